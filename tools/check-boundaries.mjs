#!/usr/bin/env node
/**
 * Package boundaries, the part knip leaves out (knip finds the unused npm dependencies: knip.json):
 * - every import of a package is declared in the importing workspace's own package.json (knip
 *   forgives a dependency that an ancestor or a sibling declares, and sibling workspaces in private
 *   packages, unless --strict, which then skips tests and devDependencies);
 * - every workspace declares the workspaces it imports, and none it does not import;
 * - no import (static, dynamic, re-export, require) reaches another package by a relative path, and
 *   no `@erp/<package>/src/…`: another package is reached through its package.json "exports".
 * Exits 1 with one line per problem.
 */
import { builtinModules } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const read = (f) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
const SKIP = new Set(['node_modules', '.git', '.data', 'dist', '.turbo', 'generated', 'fixtures', 'native']);
const SOURCE = /\.(ts|tsx|mts|mjs|js|vue)$/;
const IMPORT =
  /(?:^\s*(?:import|export)\b[^;'"]*?\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([@.\w][\w@./:-]*)['"]/gm;

const dirs = read('package.json').workspaces.flatMap((w) =>
  w.endsWith('/*')
    ? fs
        .readdirSync(path.join(root, w.slice(0, -2)), { withFileTypes: true })
        .filter(
          (d) => d.isDirectory() && fs.existsSync(path.join(root, w.slice(0, -1), d.name, 'package.json')),
        )
        .map((d) => w.slice(0, -1) + d.name)
    : [w],
);
const packages = dirs.map((dir) => ({ dir, manifest: read(`${dir}/package.json`) }));
// The root package (bench/, tooling) is checked like a workspace, over the files no workspace holds.
packages.push({ dir: '', manifest: read('package.json') });
const names = new Set(packages.map((p) => p.manifest.name));
const ownerOf = (file) =>
  packages.find((p) => p.dir && (file === p.dir || file.startsWith(p.dir + '/'))) ?? packages.at(-1);

function files(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else if (SOURCE.test(e.name)) out.push(path.relative(root, p));
  }
  return out;
}

const problems = [];
const used = new Map(packages.map((p) => [p, new Set()]));
for (const file of files(root)) {
  const owner = ownerOf(file);
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  for (const [, spec] of text.matchAll(IMPORT)) {
    if (spec.startsWith('.')) {
      const target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec));
      const other = ownerOf(target);
      if (other !== owner)
        problems.push(
          `${file}: '${spec}' reaches into ${other.manifest.name} by path; import '${other.manifest.name}' instead`,
        );
      continue;
    }
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
    if (
      spec.startsWith('node:') ||
      builtinModules.includes(name) ||
      spec.startsWith('@/') ||
      spec.startsWith('virtual:')
    )
      continue;
    if (!names.has(name)) {
      const { dependencies = {}, devDependencies = {}, peerDependencies = {} } = owner.manifest;
      if (!(name in dependencies || name in devDependencies || name in peerDependencies))
        problems.push(`${file}: imports ${name}, which ${owner.dir || '.'}/package.json does not declare`);
      continue;
    }
    const rest = spec.slice(name.length);
    if (/^\/src(\/|$)/.test(rest))
      problems.push(
        `${file}: '${spec}' reaches into ${name}'s src/; use an entry point of its package.json "exports"`,
      );
    if (name !== owner.manifest.name) used.get(owner).add(name);
  }
}
for (const p of packages) {
  const { dependencies = {}, devDependencies = {}, name } = p.manifest;
  const declared = new Set(
    [...Object.keys(dependencies), ...Object.keys(devDependencies)].filter((d) => names.has(d)),
  );
  for (const d of used.get(p))
    if (!declared.has(d))
      problems.push(`${p.dir || '.'}/package.json: ${name} imports ${d} but does not declare it`);
  for (const d of declared)
    if (!used.get(p).has(d))
      problems.push(`${p.dir || '.'}/package.json: ${name} declares ${d} but does not import it`);
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`\n${problems.length} package boundary problem(s).`);
  process.exit(1);
}
console.log(
  `Package boundaries: ${packages.length} packages, every workspace import declared and through an entry point.`,
);
