import { readFileSync } from 'node:fs';
import { composeSupergraph, supergraphPath } from './compose';

// A composition error, or a schema change not recomposed into gateway/supergraph.graphql, fails CI.
test('the checked-in supergraph equals the composition of the subgraphs\' schemas', () => {
  const composed = composeSupergraph();
  expect(readFileSync(supergraphPath(), 'utf8')).toBe(composed);
});
