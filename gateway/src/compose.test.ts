import { readFileSync } from 'node:fs';
import { apiSchemaPath, compose, supergraphPath } from './compose';

// A composition error, or a schema change not recomposed into gateway/supergraph.graphql, fails CI.
test("the checked-in supergraph and API schema equal the composition of the subgraphs' schemas", () => {
  const { supergraphSdl, apiSchemaSdl } = compose();
  expect(readFileSync(supergraphPath(), 'utf8')).toBe(supergraphSdl);
  expect(readFileSync(apiSchemaPath(), 'utf8')).toBe(apiSchemaSdl);
});
