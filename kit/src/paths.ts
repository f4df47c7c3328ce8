import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/** The monorepo root: the nearest folder upwards whose package.json declares workspaces. */
export function repoRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).workspaces) return (root = dir);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No monorepo root above ${__dirname}`);
    dir = parent;
  }
}

export const migrationsDir = () => path.join(repoRoot(), 'kit', 'migrations');
export const dataDir = () => path.join(repoRoot(), '.data');
