import { writeFileSync } from 'node:fs';
import { parseCli, runCli } from '@erp/kit';
import { composeSupergraph, supergraphPath } from '../compose';

const spec = {
  usage: 'npm run compose -w @erp/gateway',
  description: 'Composes gateway/supergraph.graphql from the subgraphs\' schema.graphql files (@apollo/composition).',
  options: {},
  help: {},
};
runCli(async () => {
  parseCli(spec);
  writeFileSync(supergraphPath(), composeSupergraph());
  console.log(`wrote ${supergraphPath()}`);
});
