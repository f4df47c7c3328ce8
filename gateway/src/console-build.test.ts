import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLock } from './console-server';

/**
 * Two test files started the console build at once: the second `vite build` emptied dist/ under the
 * first file's console server, whose page then never loaded. Cause: no lock around the build.
 */
describe('console build lock', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'console-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a second build waits until the first has released the lock', async () => {
    const order: string[] = [];
    const first = await buildLock(dir);
    const second = buildLock(dir).then((release) => {
      order.push('second acquired');
      return release;
    });
    await new Promise((r) => setTimeout(r, 1200));
    order.push('first released');
    first();
    (await second)();
    expect(order).toEqual(['first released', 'second acquired']);
  });

  test('a lock left by a killed build is taken over once stale', async () => {
    await buildLock(dir); // never released, as by a killed build
    const started = Date.now();
    const release = await buildLock(dir, 0);
    expect(Date.now() - started).toBeLessThan(2000);
    // the taker now holds the lock: a newcomer that does not find it stale waits for its release
    let third = false;
    const waiting = buildLock(dir).then((r) => ((third = true), r));
    await new Promise((r) => setTimeout(r, 1200));
    expect(third).toBe(false);
    release();
    (await waiting)();
    expect(third).toBe(true);
  });
});
