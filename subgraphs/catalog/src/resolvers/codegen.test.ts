import path from 'node:path';
import { codegenCheck } from '@erp/kit/test/codegen';

// The committed resolver types must be what schema.graphql gives today, or the resolvers are
// checked against an old schema: run `npm run codegen -w @erp/subgraph-catalog`.
test('src/generated/resolvers.ts is up to date with schema.graphql', () => {
  expect(codegenCheck(path.join(__dirname, '..', '..'))).toEqual({ status: 0, output: '' });
});
