import type { CodegenConfig } from '@graphql-codegen/cli';
import { subgraphCodegen } from '@erp/kit/codegen';

// `npm run codegen -w @erp/subgraph-customers` rewrites src/generated/resolvers.ts (committed).
const config: CodegenConfig = subgraphCodegen({
  context: 'CustomersContext',
  mappers: {
    CustomerConnection: '../rows#CustomerPage',
    Country: '../rows#CountryRow',
    Region: '../rows#RegionRow',
    City: '../rows#CityRow',
    Customer: '../rows#CustomerRow',
    CustomerGeography: '../rows#GeographyRef',
    CustomerContact: '../rows#ContactRow',
  },
});
export default config;
