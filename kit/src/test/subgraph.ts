import type pg from 'pg';
import type { BaseContext, Subgraph } from '../graphql/subgraph';
import type { Logger } from '../logger';
import { testDatabase, type TestDatabase } from './db';
import { quietLogger, type Executable } from './graphql';

/** What every subgraph's factory takes, as a test gives it. */
export interface TestSubgraphOptions {
  pool: pg.Pool;
  log: Logger;
  identitySecret: string;
  production: boolean;
}

/** The identity secret of in-process test subgraphs (32 characters, the minimum). */
const TEST_IDENTITY_SECRET = 'x'.repeat(32);

/** A subgraph on its own test database; `execute` runs operations on it directly. */
export interface SubgraphUnderTest<C extends BaseContext> extends Executable<C> {
  readonly db: TestDatabase;
  readonly subgraph: Subgraph<C>;
}

/**
 * A subgraph on a fresh test database for this file's tests: made before them (the file's own
 * beforeAll, declared after this call, seeds it), stopped and its database dropped after them.
 * `create` is the subgraph's factory, or a function adding what that factory needs beyond the
 * common options.
 */
export function subgraphUnderTest<C extends BaseContext>(
  create: (opts: TestSubgraphOptions, db: TestDatabase) => Promise<Subgraph<C>>,
): SubgraphUnderTest<C> {
  let db: TestDatabase | undefined;
  let subgraph: Subgraph<C> | undefined;
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the subgraph under test is made in beforeAll');
    return value;
  };
  beforeAll(async () => {
    db = await testDatabase();
    subgraph = await create(
      { pool: db.pool, log: quietLogger(), identitySecret: TEST_IDENTITY_SECRET, production: false },
      db,
    );
  });
  afterAll(async () => {
    await subgraph?.stop();
    await db?.drop();
  });
  return {
    get db() {
      return ready(db);
    },
    get subgraph() {
      return ready(subgraph);
    },
    get server() {
      return ready(subgraph).server;
    },
    contextFor: (identity) => ready(subgraph).contextFor(identity),
  };
}
