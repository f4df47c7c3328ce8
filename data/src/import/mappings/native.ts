import { nativeSources } from '../canonical';
import type { Mapping } from '../types';

/** The native format (data/FORMAT.md): one file per entity, straight into the canonical tables. */
export const nativeMapping: Mapping = {
  name: 'native',
  description: 'the native CSV format written by `npm run data:generate` (data/FORMAT.md)',
  defaultDir: 'data/native',
  sources: nativeSources(),
  strictConsistency: true,
  notes: ['planted_anomalies.csv is not imported (it describes the data, it is not data)'],
};
