import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildStar, CUSTOMERS, type Star } from './test/star';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

describe('npm run report', () => {
  let star: Star;
  beforeAll(async () => {
    star = await buildStar();
  });
  afterAll(() => star.drop());

  const cli = (args: string[]) =>
    run(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(ROOT, 'ai/src/cli.ts'), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          DWH_DATABASE_URL: star.url,
          AI_PROVIDER: 'auto',
          GEMINI_API_KEY: '',
          OPENAI_API_KEY: '',
          ANTHROPIC_API_KEY: '',
          OLLAMA_URL: '',
        },
      },
    );

  it('prints the story and stores it in ai.reports with its facts', async () => {
    const { stdout } = await cli([
      '--period',
      '2026-10',
      '--audience',
      'operational',
      '--language',
      'en',
      '--provider',
      'none',
    ]);
    expect(stdout).toContain('# Operational report — October 2026');
    expect(stdout).toContain('## What to do');
    expect(stdout).toMatch(/source: fallback — NO_PROVIDER; stored as ai.reports #1/);
    const { rows } = await star.pool.query(
      'SELECT period, audience, language, source, jsonb_array_length(facts) AS n, text FROM ai.reports',
    );
    expect(rows[0]).toMatchObject({
      period: '2026-10',
      audience: 'operational',
      language: 'en',
      source: 'fallback',
    });
    expect(rows[0].n).toBeGreaterThan(0);
    expect(CUSTOMERS.some((c) => stdout.includes(c.name))).toBe(true); // names are for our own users
  }, 60_000);

  it('refuses a wrong option with the usage', async () => {
    await expect(cli(['--audience', 'board'])).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});
