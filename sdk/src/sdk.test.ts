import { spawnSync } from 'node:child_process';
import path from 'node:path';

// The committed SDK must be what the schema and the operations generate today; an operation that a
// schema change broke makes generation fail. Fix: `npm run compose && npm run codegen`.
// (graphql-codegen runs in its own process: its CLI loads ESM-only modules that jest cannot.)
test('the generated SDK is up to date with the API schema and the operations', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'codegen.ts'), '--check'], {
    encoding: 'utf8',
  });
  expect(`${r.stdout}${r.stderr}`.trim()).toBe('SDK up to date');
  expect(r.status).toBe(0);
}, 60_000);
