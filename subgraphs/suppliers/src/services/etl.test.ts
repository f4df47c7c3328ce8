import { execute, identity, testUpdatedAtFeed } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createSuppliersSubgraph } from '../server';

/** The warehouse ETL's incremental extraction of suppliers: updatedFrom, UPDATED_AT keyset with ties. */
const sg = subgraphUnderTest(createSuppliersSubgraph);
const analyst = identity('ANALYST', 7);

beforeAll(async () => {
  await sg.db.pool.query(`
    INSERT INTO suppliers.suppliers (code, name, country_code, updated_at)
      SELECT 'TIE-' || lpad(i::text, 3, '0'), 'Tie ' || i, 'DE', timestamptz '2025-03-01 10:00:00.123456+00' FROM generate_series(1, 250) i;
    INSERT INTO suppliers.suppliers (code, name, country_code, updated_at)
      SELECT 'NEW-' || i, 'New ' || i, 'DE', timestamptz '2025-03-02 08:00:00.000250+00' + i * interval '1 microsecond' FROM generate_series(1, 5) i;`);
});

testUpdatedAtFeed({
  list: 'suppliers',
  key: 'code',
  run: (query, variables) => execute(sg, analyst, query, variables),
});
