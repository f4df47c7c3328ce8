import { startTestSystem, type TestSystem } from './test-system';

/** The development playground: self-hosted GraphiQL, preloaded with every example, nothing from a CDN. */
let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem();
}, 60_000);
afterAll(() => t.close());

test('a browser asking for /graphql gets GraphiQL with the examples, and its assets come from the gateway', async () => {
  const base = t.system.gatewayUrl.replace(/\/graphql$/, '');
  const html = await (await fetch(t.system.gatewayUrl, { headers: { accept: 'text/html' } })).text();
  expect(html).toContain('<div id="graphiql">');
  expect(html).toContain('query Orders');
  expect(html).toContain('mutation ConfirmOrder');
  expect(html).not.toMatch(/src="https?:|href="https?:/); // no CDN
  const js = await fetch(`${base}/playground/app.js`);
  expect(js.status).toBe(200);
  const code = await js.text();
  expect(code.length).toBeGreaterThan(100_000); // React + GraphiQL bundled
  expect(code).not.toMatch(/https?:\/\/(unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh)/);
  const css = await fetch(`${base}/playground/app.css`);
  expect(css.status).toBe(200);
  expect(await css.text()).toContain('.graphiql-container');
}, 60_000);

test('API clients still get GraphQL at /graphql', async () => {
  const r = await t.gql('{ me { email } }', {}, await t.login('ANALYST'));
  expect(r.body.data.me.email).toBe(t.users.ANALYST.email);
});
