import { writeFileSync } from 'node:fs';
import { parseCli, runCli } from '@erp/kit';
import { apiSchemaPath, compose, supergraphPath } from '../compose';

const spec = {
  usage: 'npm run compose -w @erp/gateway',
  description:
    "Composes gateway/supergraph.graphql and the public API schema sdk/schema.graphql from the\nsubgraphs' schema.graphql files (@apollo/composition). Then run `npm run codegen` for the SDK.",
  options: {},
  help: {},
};
runCli(async () => {
  parseCli(spec);
  const { supergraphSdl, apiSchemaSdl } = compose();
  writeFileSync(supergraphPath(), supergraphSdl);
  writeFileSync(apiSchemaPath(), apiSchemaSdl);
  console.log(`wrote ${supergraphPath()} and ${apiSchemaPath()}`);
});
