import { randomBytes } from 'node:crypto';
import { ConfigError, parseEnv } from '@erp/kit';
import { gatewayEnv } from './env';

/** Production refuses secrets anyone could guess, and one secret used for two jobs. */
const strong = () => randomBytes(32).toString('base64url');
const problems = (env: Record<string, string>) => {
  try {
    parseEnv(gatewayEnv, env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
};

test("production accepted 'a' × 32 as both secrets: now each weak or shared secret is refused in one line naming its variable", () => {
  const weak = 'a'.repeat(32);
  const found = problems({ NODE_ENV: 'production', JWT_SECRET: weak, SUBGRAPH_SECRET: weak });
  expect(found.map((p) => p.variable).sort()).toEqual(['JWT_SECRET', 'SUBGRAPH_SECRET', 'SUBGRAPH_SECRET']);
  for (const p of found) expect(p.reason).not.toContain('\n');
  expect(found.find((p) => p.variable === 'SUBGRAPH_SECRET' && /JWT_SECRET/.test(p.reason))).toBeTruthy();

  // one weak secret among strong ones, each shape of guessable
  for (const guessable of [
    'abcdefghijklmnopqrstuvwxyz012345',
    'change-me-change-me-change-me-change-me',
    'password1234password1234password1234',
    'j'.repeat(40),
  ]) {
    expect(
      problems({ NODE_ENV: 'production', JWT_SECRET: guessable, SUBGRAPH_SECRET: strong() }).map(
        (p) => p.variable,
      ),
    ).toEqual(['JWT_SECRET']);
    expect(
      problems({ NODE_ENV: 'production', JWT_SECRET: strong(), SUBGRAPH_SECRET: guessable }).map(
        (p) => p.variable,
      ),
    ).toEqual(['SUBGRAPH_SECRET']);
  }
  // the same strong value for both is refused too
  const same = strong();
  expect(
    problems({ NODE_ENV: 'production', JWT_SECRET: same, SUBGRAPH_SECRET: same }).map((p) => p.variable),
  ).toEqual(['SUBGRAPH_SECRET']);
  // what `openssl rand` gives passes, hex or base64
  expect(
    problems({
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(16).toString('hex'),
      SUBGRAPH_SECRET: randomBytes(32).toString('base64'),
    }),
  ).toEqual([]);
  // development keeps working with any 32 characters (tests and a first `npm start`)
  expect(problems({ NODE_ENV: 'development', JWT_SECRET: weak, SUBGRAPH_SECRET: weak })).toEqual([]);
});
