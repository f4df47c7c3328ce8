import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../paths';

/**
 * Whether a subgraph's committed resolver types are what its schema.graphql gives today (else its
 * resolvers are checked against an old schema): `graphql-codegen --check` in the subgraph's folder.
 * `{ status: 0, output: '' }` when up to date; otherwise the tool's output says what differs.
 */
export function codegenCheck(subgraphDir: string): { status: number | null; output: string } {
  const bin = path.join(repoRoot(), 'node_modules', '.bin', 'graphql-codegen');
  const run = spawnSync(bin, ['--config', 'codegen.ts', '--check', '--silent'], {
    cwd: subgraphDir,
    encoding: 'utf8',
  });
  return { status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr };
}
