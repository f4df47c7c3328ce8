import { defineConfig } from 'drizzle-kit';

// One migration history for the OLTP; each domain's tables live in its own PostgreSQL schema.
export default defineConfig({
  dialect: 'postgresql',
  schema: [
    './subgraphs/catalog/src/db/schema/index.ts',
    './subgraphs/customers/src/db/schema/index.ts',
    './subgraphs/suppliers/src/db/schema/index.ts',
    './subgraphs/sales/src/db/schema/index.ts',
    './gateway/src/db/schema/index.ts',
    './kit/src/db/schema/index.ts',
  ],
  out: './kit/migrations',
});
