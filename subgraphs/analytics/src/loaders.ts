import type pg from 'pg';
import { freshness, type Freshness } from '@erp/semantic';

export interface Loaders {
  /** The last successful ETL run, read once per request. */
  freshness(): Promise<Freshness>;
}

export function createLoaders(pool: pg.Pool): Loaders {
  let cached: Promise<Freshness> | undefined;
  return { freshness: () => (cached ??= freshness(pool)) };
}
