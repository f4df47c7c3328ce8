import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ask, type AskAnswer } from '@erp/ai';
import { sharedDatasetsOrSkip } from '@erp/kit/test/db';
import { oracleSql, selected } from './bank';
import { buildFixture, DATASETS_DIR, type Fixture } from './fixtures';
import { describe as describeAnswer, describeExpected, judge, type OracleRow, type Verdict } from './judge';
import type { Dataset, Question } from './types';

/**
 * The question bank through the real chat entry point: both data sets are imported and loaded into
 * their warehouse once, every question is asked (`ask`, no language model, as an ADMIN) and judged
 * against its oracle. Every failure is printed with what was expected and what came back, then the
 * score overall, per data set and per kind of question.
 *
 * Ratchet: ratchet.json lists the questions the chat answered right when it was last measured; each of
 * them must still be answered right (an answer that regresses fails this test), and the score may not
 * fall under the measured one. When more questions pass, add their ids there (the report lists them).
 * BANK_FILTER=… runs a subset (see bank.ts); the ratchet then applies to the subset.
 */
jest.setTimeout(1_800_000);

interface Ratchet {
  measured: string;
  passing: string[];
}
const ratchet = JSON.parse(readFileSync(path.join(__dirname, 'ratchet.json'), 'utf8')) as Ratchet;

const questions = selected(process.env.BANK_FILTER);
const haveShared = sharedDatasetsOrSkip(DATASETS_DIR);
const datasets = (['native', 'northwind'] as Dataset[]).filter(
  (d) => questions.some((q) => q.dataset === d) && (d === 'native' || haveShared),
);

interface Outcome {
  q: Question;
  verdict: Verdict;
  expected: string;
  got: string;
  ms: number;
}

const fixtures: Fixture[] = [];
afterAll(async () => {
  for (const f of fixtures) await f.close();
});

test("the chat answers the question bank with the oracles' figures", async () => {
  const started = Date.now();
  const outcomes: Outcome[] = [];
  const build: Record<string, string> = {};
  // Both worlds are built at once (the ETL mostly waits on the API), then asked one after the other.
  const built = await Promise.all(
    datasets.map(async (dataset) => {
      const t0 = Date.now();
      const fx = await buildFixture(dataset);
      fixtures.push(fx);
      build[dataset] =
        `${((Date.now() - t0) / 1000).toFixed(1)} s (import ${fx.seconds.import.toFixed(1)} s, ETL ${fx.seconds.etl.toFixed(1)} s, as of ${fx.asOf})`;
      return fx;
    }),
  );
  for (const fx of built) {
    const dataset = fx.dataset;
    for (const q of questions.filter((x) => x.dataset === dataset)) {
      let oracle: OracleRow[] = [];
      let oracleError: string | undefined;
      if (q.sql)
        oracle = await fx.oracle.query(oracleSql(q, fx.asOf)).then(
          (r) => r.rows as OracleRow[],
          (err: Error) => ((oracleError = err.message), []),
        );
      let answer: AskAnswer | null = null;
      let error: string | undefined;
      const t1 = Date.now();
      try {
        answer = await ask(q.q, {
          pool: fx.dwh,
          viewer: { role: 'ADMIN', userId: null },
          model: null,
          previous: q.previous,
          language: q.lang,
        });
      } catch (err) {
        error = (err as Error).message;
      }
      const ms = Date.now() - t1;
      const verdict: Verdict = oracleError
        ? { ok: false, reason: `the oracle failed: ${oracleError}` }
        : q.sql && !oracle.length
          ? { ok: false, reason: 'the oracle returned no row' }
          : answer
            ? judge(q, answer, oracle)
            : { ok: false, reason: `ask threw: ${error}` };
      outcomes.push({
        q,
        verdict,
        expected: describeExpected(q, oracle),
        got: describeAnswer(answer, error),
        ms,
      });
    }
  }

  const failures = outcomes.filter((o) => !o.verdict.ok);
  const lines: string[] = [];
  lines.push(
    `\nQUESTION BANK — ${outcomes.length} questions${process.env.BANK_FILTER ? ` (BANK_FILTER=${process.env.BANK_FILTER})` : ''}`,
  );
  for (const [d, s] of Object.entries(build)) lines.push(`fixture ${d}: ${s}`);
  lines.push(`\nFAILURES (${failures.length}):`);
  for (const f of failures) {
    lines.push(
      `✗ ${f.q.id} [${f.q.dataset}/${f.q.lang}; ${f.q.tags.join(', ') || '-'}] ${f.q.previous ? `(after: ${f.q.previous.join(' / ')}) ` : ''}"${f.q.q}"`,
    );
    lines.push(`    why:      ${f.verdict.reason}`);
    lines.push(`    expected: ${f.expected}`);
    lines.push(`    got:      ${f.got}`);
  }
  const score = (os: Outcome[]) =>
    `${os.filter((o) => o.verdict.ok).length}/${os.length} (${os.length ? ((100 * os.filter((o) => o.verdict.ok).length) / os.length).toFixed(1) : '0.0'} %)`;
  lines.push(`\nSCORE overall: ${score(outcomes)}`);
  for (const d of datasets) lines.push(`  ${d}: ${score(outcomes.filter((o) => o.q.dataset === d))}`);
  for (const l of ['fr', 'en']) lines.push(`  ${l}: ${score(outcomes.filter((o) => o.q.lang === l))}`);
  const tags = [...new Set(outcomes.flatMap((o) => o.q.tags))].sort();
  for (const t of tags) lines.push(`  tag ${t}: ${score(outcomes.filter((o) => o.q.tags.includes(t)))}`);
  const asks = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  lines.push(
    `ask: p50 ${asks[Math.floor(asks.length / 2)] ?? 0} ms, max ${asks.at(-1) ?? 0} ms; whole run ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const known = new Set(ratchet.passing);
  const regressed = outcomes.filter((o) => known.has(o.q.id) && !o.verdict.ok).map((o) => o.q.id);
  const newlyPassing = outcomes.filter((o) => !known.has(o.q.id) && o.verdict.ok).map((o) => o.q.id);
  if (newlyPassing.length) lines.push(`newly passing (add them to ratchet.json): ${newlyPassing.join(', ')}`);
  if (regressed.length)
    lines.push(`REGRESSED (passed when measured on ${ratchet.measured}): ${regressed.join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);

  expect(outcomes.length).toBe(questions.filter((q) => datasets.includes(q.dataset)).length);
  expect(regressed).toEqual([]);
  const floor = outcomes.filter((o) => known.has(o.q.id)).length;
  expect(outcomes.filter((o) => o.verdict.ok).length).toBeGreaterThanOrEqual(floor);
});
