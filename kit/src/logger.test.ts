import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, formatLine, RotatingFile } from './logger';

test('log files rotate at the size limit and only 5 are kept', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'erp-logs-'));
  const file = new RotatingFile(path.join(dir, 'gateway.log'), 10_000, 5);
  const line = `${'x'.repeat(99)}\n`; // 100 bytes
  for (let i = 0; i < 1000; i++) file.write(line); // 100 kB: ten files' worth
  file.close();
  const files = readdirSync(dir).sort();
  expect(files).toEqual(['gateway.1.log', 'gateway.2.log', 'gateway.3.log', 'gateway.4.log', 'gateway.log']);
  for (const f of files) expect(statSync(path.join(dir, f)).size).toBeLessThanOrEqual(10_000);
  // the newest lines are in the live file, whole
  expect(readFileSync(path.join(dir, 'gateway.log'), 'utf8').endsWith(line)).toBe(true);
});

test('at the real limit: 10 MB per file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'erp-logs-'));
  const file = new RotatingFile(path.join(dir, 'etl.log'));
  const chunk = `${'y'.repeat(1023)}\n`;
  for (let i = 0; i < 10 * 1024 + 5; i++) file.write(chunk); // a little over 10 MiB
  file.close();
  expect(readdirSync(dir).sort()).toEqual(['etl.1.log', 'etl.log']);
  expect(statSync(path.join(dir, 'etl.1.log')).size).toBe(10 * 1024 * 1024);
});

test('the logger writes JSON lines with the service name to its file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'erp-logs-'));
  const log = createLogger('catalog', { dir, stdout: false });
  log.child({ requestId: 'r-1' }).info({ orders: 3 }, 'hello');
  await new Promise((r) => setTimeout(r, 20));
  const entry = JSON.parse(readFileSync(path.join(dir, 'catalog.log'), 'utf8').trim());
  expect(entry).toMatchObject({ service: 'catalog', requestId: 'r-1', orders: 3, msg: 'hello', level: 30 });
});

test('the terminal format is one readable line with the service, the level when not info, and the fields', () => {
  const line = formatLine(
    JSON.stringify({
      level: 40,
      time: '2026-11-25T20:01:02.345Z',
      service: 'gateway',
      msg: 'slow subgraph',
      serviceName: 'sales',
      ms: 812,
    }),
  );
  expect(line).toBe('20:01:02 gateway    WARN slow subgraph  serviceName=sales ms=812\n');
});
