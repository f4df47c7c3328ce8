import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@erp/kit';

// The committed resolver types must be what schema.graphql gives today, or the resolvers are
// checked against an old schema: run `npm run codegen -w @erp/subgraph-customers`.
test('src/generated/resolvers.ts is up to date with schema.graphql', () => {
  const bin = path.join(repoRoot(), 'node_modules', '.bin', 'graphql-codegen');
  const run = spawnSync(bin, ['--config', 'codegen.ts', '--check', '--silent'], { cwd: path.join(__dirname, '..', '..'), encoding: 'utf8' });
  expect({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
});
