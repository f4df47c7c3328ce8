import { execute, identity, testUpdatedAtFeed } from '@erp/kit/test/graphql';
import { subgraphUnderTest } from '@erp/kit/test/subgraph';
import { createCustomersSubgraph } from '../server';

/** The warehouse ETL's incremental extraction of customers: updatedFrom, UPDATED_AT keyset with ties. */
const customers = subgraphUnderTest(createCustomersSubgraph);
const analyst = identity('ANALYST', 7);

beforeAll(async () => {
  await customers.db.pool.query(`
    INSERT INTO customers.countries (code, name) VALUES ('FR', 'France');
    INSERT INTO customers.regions (country_code, name) VALUES ('FR', 'Occitanie');
    INSERT INTO customers.cities (region_id, name) SELECT id, 'Toulouse' FROM customers.regions;
    INSERT INTO customers.customers (code, name, city_id, updated_at)
      SELECT 'TIE-' || lpad(i::text, 3, '0'), 'Tie ' || i, (SELECT id FROM customers.cities), timestamptz '2025-03-01 10:00:00.123456+00' FROM generate_series(1, 250) i;
    INSERT INTO customers.customers (code, name, city_id, updated_at)
      SELECT 'NEW-' || i, 'New ' || i, (SELECT id FROM customers.cities), timestamptz '2025-03-02 08:00:00.000250+00' + i * interval '1 microsecond' FROM generate_series(1, 5) i;`);
});

testUpdatedAtFeed({
  list: 'customers',
  key: 'code',
  extraFields: 'geography { city { name } }',
  run: (query, variables) => execute(customers, analyst, query, variables),
});
