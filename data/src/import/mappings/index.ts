import { existsSync } from 'node:fs';
import path from 'node:path';
import { ValidationError } from '@erp/kit';
import type { Mapping } from '../types';
import { nativeMapping } from './native';
import { northwindMapping } from './northwind';
import { onlineRetailMapping } from './online-retail';

export const MAPPINGS: Record<string, Mapping> = {
  native: nativeMapping,
  northwind: northwindMapping,
  'online-retail': onlineRetailMapping,
};

/** A built-in mapping by name, or a module (.ts/.js) exporting one (`default` or `mapping`). */
export function resolveMapping(nameOrFile: string | Mapping = 'native'): Mapping {
  if (typeof nameOrFile !== 'string') return nameOrFile;
  const builtIn = MAPPINGS[nameOrFile];
  if (builtIn) return builtIn;
  const file = path.resolve(nameOrFile);
  if (!existsSync(file)) {
    throw new ValidationError(
      'mapping',
      nameOrFile,
      `unknown mapping: use one of ${Object.keys(MAPPINGS).join(', ')}, or the path of a mapping file`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { default?: Mapping; mapping?: Mapping };
  const m = mod.mapping ?? mod.default;
  if (!m || !Array.isArray(m.sources))
    throw new ValidationError(
      'mapping',
      nameOrFile,
      'this file exports no mapping (export `mapping` or a default)',
    );
  return m;
}
