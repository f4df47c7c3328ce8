import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * `engines` in package.json is a promise to the person who installs: every locked package must run on
 * the oldest Node it admits, or `npm ci` prints EBADENGINE warnings (and the package may really need
 * newer Node). When an update breaks this, pin the package (root `overrides`) or raise `engines`.
 */
const root = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

function unsupported(nodeVersion: string): string[] {
  const out = new Set<string>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    const range = entry.engines && !Array.isArray(entry.engines) ? entry.engines.node : undefined;
    if (range && !semver.satisfies(nodeVersion, range))
      out.add(`${where.replace(/^.*node_modules\//, '')}@${entry.version} wants node ${range}`);
  }
  return [...out].sort();
}

describe('engines', () => {
  it('every locked package supports the oldest Node that package.json admits', () => {
    const oldest = semver.minVersion(pkg.engines.node)!.version;
    expect(unsupported(oldest)).toEqual([]);
  });

  it('the Node running the tests is one package.json admits', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });
});
