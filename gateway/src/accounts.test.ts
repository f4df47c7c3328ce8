import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from './auth/passwords';
import { proxyToken } from './auth/client-address';
import { startConsoleServer, type RunningConsoleServer } from './console-server';
import { PASSWORD, startTestSystem, TEST_SECRETS, type TestSystem } from './test-system';

/**
 * Accounts: disabling a user, throttling per account and per real client behind the
 * console proxy, one answer for every refused login, and a password policy with a blocklist.
 */
let t: TestSystem;
let console_: RunningConsoleServer;
let dist: string;
let hash: string;
beforeAll(async () => {
  t = await startTestSystem();
  // The proxy needs a built console only for its static pages; /graphql is what is tested here.
  dist = mkdtempSync(path.join(os.tmpdir(), 'erp-accounts-dist-'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>console</title>');
  console_ = await startConsoleServer({
    port: 0,
    distDir: dist,
    gatewayUrl: t.system.gatewayUrl,
    proxyToken: proxyToken(TEST_SECRETS.SUBGRAPH_SECRET),
  });
  hash = await hashPassword(PASSWORD);
}, 60_000);
afterAll(async () => {
  await console_.close();
  rmSync(dist, { recursive: true, force: true });
  await t.close();
});

type Answer = {
  status: number;
  body: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    data?: Record<string, any> | null;
    errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  };
};
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }`;
const REFRESH = `mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken } }`;
const DISABLE = `mutation($u: ID!, $d: Boolean!) { setUserDisabled(userId: $u, disabled: $d) { id disabled } }`;
const code = (r: Answer) => r.body.errors?.[0]?.extensions?.code;
const refusal = (r: Answer) => [r.status, code(r), r.body.errors?.[0]?.message];

let n = 0;
/** A fresh person (SALES unless told), with PASSWORD: each test locks or disables its own. */
async function person(role = 'SALES') {
  const email = `person${++n}@accounts.test.example`;
  const { rows } = await t.db.pool.query(
    `INSERT INTO auth.users (email, name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
    [email, `Person ${n}`, role, hash],
  );
  return { id: String(rows[0].id), email };
}

/** A POST /graphql from a given local address (127.0.0.0/8 is all loopback): one browser, or one attacker. */
function from(
  localAddress: string,
  url: string,
  query: string,
  variables: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ query, variables });
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const viaConsole = (
  localAddress: string,
  query: string,
  variables: Record<string, unknown>,
  headers?: Record<string, string>,
) => from(localAddress, `${console_.url}graphql`, query, variables, headers);

describe('disabling an account', () => {
  it('there was no way to disable a user: now a disabled account cannot log in, refresh, or use the access token it holds', async () => {
    const admin = await t.login('ADMIN');
    const rep = await person();
    const session = (await t.gql(LOGIN, { e: rep.email, p: PASSWORD })).body.data.login;
    expect((await t.gql(`{ me { email } }`, {}, session.accessToken)).body.data.me.email).toBe(rep.email);

    const disabled = await t.gql(DISABLE, { u: rep.id, d: true }, admin);
    expect(disabled.body).toEqual({ data: { setUserDisabled: { id: rep.id, disabled: true } } });
    // the access token it already holds fails at once (not after its 15 minutes)
    const me = await t.gql(`{ me { email } }`, {}, session.accessToken);
    expect([me.status, code(me)]).toEqual([401, 'UNAUTHENTICATED']);
    expect(code(await t.gql(`{ warehouses { id } }`, {}, session.accessToken))).toBe('UNAUTHENTICATED');
    // its refresh token issues nothing
    expect(code(await t.gql(REFRESH, { r: session.refreshToken }))).toBe('UNAUTHENTICATED');
    // the right password is refused with the answer an unknown e-mail gets
    const unknown = await t.gql(LOGIN, { e: 'nobody@accounts.test.example', p: PASSWORD });
    expect(refusal(await t.gql(LOGIN, { e: rep.email, p: PASSWORD }))).toEqual(refusal(unknown));
    // the users list shows it, and the audit log has it
    const users = (await t.gql(`{ users { id disabled } }`, {}, admin)).body.data.users as {
      id: string;
      disabled: boolean;
    }[];
    expect(users.find((u) => u.id === rep.id)?.disabled).toBe(true);
    expect(users.filter((u) => u.disabled).map((u) => u.id)).toEqual([rep.id]);
    const audit = await t.gql(
      `query($id: String!) { auditLog(filter: { entity: "User", entityId: $id }) { edges { node { operation userId before after } } } }`,
      { id: rep.id },
      admin,
    );
    const entry = audit.body.data.auditLog.edges[0].node;
    expect(entry.operation).toBe('setUserDisabled');
    expect(entry.userId).toBe(String(t.users.ADMIN.id));
    expect([JSON.parse(entry.before).disabled, JSON.parse(entry.after).disabled]).toEqual([false, true]);

    // enabled again: a new login works; the old sessions stay dead
    expect((await t.gql(DISABLE, { u: rep.id, d: false }, admin)).body.data.setUserDisabled.disabled).toBe(
      false,
    );
    expect(code(await t.gql(`{ me { email } }`, {}, session.accessToken))).toBe('UNAUTHENTICATED');
    const again = (await t.gql(LOGIN, { e: rep.email, p: PASSWORD })).body.data.login;
    expect((await t.gql(`{ me { email } }`, {}, again.accessToken)).body.data.me.email).toBe(rep.email);
  });

  it('an administrator cannot disable their own account, and only an administrator can disable one', async () => {
    const self = await t.gql(DISABLE, { u: String(t.users.ADMIN.id), d: true }, await t.login('ADMIN'));
    expect(self.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
    const rep = await person();
    for (const role of ['MANAGER', 'SALES', 'ANALYST'] as const)
      expect(code(await t.gql(DISABLE, { u: rep.id, d: true }, await t.login(role)))).toBe('FORBIDDEN');
    expect(
      code(await t.gql(DISABLE, { u: String(t.services.ETL_SERVICE.id), d: true }, await t.login('ADMIN'))),
    ).toBe('FORBIDDEN');
    expect(code(await t.gql(DISABLE, { u: '99999999', d: true }, await t.login('ADMIN')))).toBe('NOT_FOUND');
    const { rows } = await t.db.pool.query(`SELECT count(*)::int AS n FROM auth.users WHERE disabled`);
    expect(rows[0].n).toBe(0);
  });

  it('an access token survived a password or role change for up to 15 minutes: now it fails at once', async () => {
    const admin = await t.login('ADMIN');
    for (const input of [{ password: 'a brand new passphrase 2026' }, { role: 'ANALYST' }]) {
      const rep = await person();
      const { accessToken } = (await t.gql(LOGIN, { e: rep.email, p: PASSWORD })).body.data.login;
      expect((await t.gql(`{ me { role } }`, {}, accessToken)).body.data.me.role).toBe('SALES');
      expect(
        (
          await t.gql(
            `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { id } }`,
            { id: rep.id, i: input },
            admin,
          )
        ).body.errors,
      ).toBeUndefined();
      expect(code(await t.gql(`{ me { role } }`, {}, accessToken))).toBe('UNAUTHENTICATED');
    }
    // a change of name keeps the token
    const rep = await person();
    const { accessToken } = (await t.gql(LOGIN, { e: rep.email, p: PASSWORD })).body.data.login;
    await t.gql(
      `mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { id } }`,
      { id: rep.id },
      admin,
    );
    expect((await t.gql(`{ me { name } }`, {}, accessToken)).body.data.me.name).toBe('Renamed');
  });
});

describe('throttling per account and per real client', () => {
  it('one attacker behind the console proxy cannot lock every user out', async () => {
    // 31 bad logins from one browser, through the console: the 31st is refused for that browser
    let last: Answer | undefined;
    for (let i = 0; i < 31; i++)
      last = await viaConsole('127.0.0.2', LOGIN, {
        e: `nobody${i}@accounts.test.example`,
        p: 'not the password',
      });
    expect([last!.status, code(last!)]).toEqual([429, 'RATE_LIMITED']);
    // …and a forged X-Forwarded-For from that browser does not make it another client
    expect(
      code(
        await viaConsole(
          '127.0.0.2',
          LOGIN,
          { e: 'nobody@accounts.test.example', p: 'x' },
          { 'x-forwarded-for': '203.0.113.7' },
        ),
      ),
    ).toBe('RATE_LIMITED');
    // a real user in another browser logs in through the same console
    const rep = await person();
    const ok = await viaConsole('127.0.0.3', LOGIN, { e: rep.email, p: PASSWORD });
    expect(ok.status).toBe(200);
    expect(ok.body.data?.login.accessToken).toBeTruthy();
  });

  it('X-Forwarded-For is trusted from the console proxy only: sent straight to the gateway, it changes nothing', async () => {
    let last: Answer | undefined;
    for (let i = 0; i < 31; i++) {
      const forged = {
        'x-forwarded-for': `198.51.100.${i + 1}`,
        'x-erp-proxy': 'a guess at the proxy credential that is wrong',
      };
      last = await from(
        '127.0.0.4',
        t.system.gatewayUrl,
        LOGIN,
        { e: `nobody${i}@accounts.test.example`, p: 'not the password' },
        forged,
      );
    }
    expect([last!.status, code(last!)]).toEqual([429, 'RATE_LIMITED']);
  });

  it('behind a reverse proxy in front of the console (CONSOLE_TRUSTED_PROXIES=1), browsers are still told apart', async () => {
    const behindNginx = await startConsoleServer({
      port: 0,
      distDir: dist,
      gatewayUrl: t.system.gatewayUrl,
      proxyToken: proxyToken(TEST_SECRETS.SUBGRAPH_SECRET),
      trustedProxies: 1,
    });
    try {
      const url = `${behindNginx.url}graphql`;
      // every request comes from the reverse proxy's socket (127.0.0.5); it writes the browser's address last
      let last: Answer | undefined;
      for (let i = 0; i < 31; i++)
        last = await from(
          '127.0.0.5',
          url,
          LOGIN,
          { e: `nobody${i}@accounts.test.example`, p: 'not the password' },
          { 'x-forwarded-for': '192.0.2.1' },
        );
      expect(code(last!)).toBe('RATE_LIMITED');
      // the attacker's own X-Forwarded-For comes before the proxy's entry: still the same browser
      expect(
        code(
          await from(
            '127.0.0.5',
            url,
            LOGIN,
            { e: 'nobody@accounts.test.example', p: 'x' },
            { 'x-forwarded-for': '203.0.113.9, 192.0.2.1' },
          ),
        ),
      ).toBe('RATE_LIMITED');
      const rep = await person();
      expect(
        (
          await from(
            '127.0.0.5',
            url,
            LOGIN,
            { e: rep.email, p: PASSWORD },
            { 'x-forwarded-for': '192.0.2.2' },
          )
        ).body.data?.login.accessToken,
      ).toBeTruthy();
    } finally {
      await behindNginx.close();
    }
  });

  it('per-account lockout still holds when each guess comes from another client', async () => {
    const rep = await person();
    for (let i = 0; i < 5; i++)
      expect(code(await viaConsole(`127.0.1.${i + 1}`, LOGIN, { e: rep.email, p: `wrong guess ${i}` }))).toBe(
        'UNAUTHENTICATED',
      );
    // locked (1 s from the 5th failure, longer after): the right password, from a fresh client, gets the refusal every login gets
    expect(refusal(await viaConsole('127.0.1.11', LOGIN, { e: rep.email, p: PASSWORD }))).toEqual([
      401,
      'UNAUTHENTICATED',
      'Invalid e-mail or password',
    ]);
    // every guess counted for the account, whichever client sent it
    expect(
      (await t.db.pool.query(`SELECT failed_logins FROM auth.users WHERE id = $1`, [rep.id])).rows[0]
        .failed_logins,
    ).toBe(5);
    // it was the lock: lifted, the same login works
    await t.db.pool.query(`UPDATE auth.users SET locked_until = now() - interval '1 second' WHERE id = $1`, [
      rep.id,
    ]);
    expect(
      (await viaConsole('127.0.1.11', LOGIN, { e: rep.email, p: PASSWORD })).body.data?.login.accessToken,
    ).toBeTruthy();
  });
});

describe('one answer for every refused login', () => {
  it('a locked account answered 429 "for this account" while an unknown e-mail answered 401: now the same status, code and message', async () => {
    const locked = await person();
    await t.db.pool.query(
      `UPDATE auth.users SET failed_logins = 9, locked_until = now() + interval '10 minutes' WHERE id = $1`,
      [locked.id],
    );
    const wrong = await person();
    const answers = [
      await t.gql(LOGIN, { e: 'nobody@accounts.test.example', p: PASSWORD }),
      await t.gql(LOGIN, { e: wrong.email, p: 'not the password at all' }),
      await t.gql(LOGIN, { e: locked.email, p: PASSWORD }),
      await t.gql(LOGIN, { e: locked.email, p: 'not the password at all' }),
    ];
    expect(answers.map(refusal)).toEqual(
      Array(4).fill([401, 'UNAUTHENTICATED', 'Invalid e-mail or password']),
    );
  });

  it('a wrong password said "your session has ended": now it says the e-mail or password is wrong', async () => {
    const rep = await person();
    const r = await viaConsole('127.0.2.1', LOGIN, { e: rep.email, p: 'not the password at all' });
    expect(r.body.errors?.[0]?.message).toMatch(/e-mail or password/i);
    expect(JSON.stringify(r.body)).not.toMatch(/session|expired|token/i);
  });
});

describe('password policy', () => {
  const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`;
  it('passwords needed only 12 characters (password1234, 12 spaces passed): now common and patterned ones are refused naming the field', async () => {
    const admin = await t.login('ADMIN');
    const refused = [
      'password1234',
      'Password1234',
      ' '.repeat(12),
      'aaaaaaaaaaaa',
      '121212121212',
      'qwertyuiop12',
      '123456789012',
      'short pass',
    ];
    for (const [i, password] of refused.entries()) {
      const r = await t.gql(
        CREATE,
        { i: { email: `weak${i}@accounts.test.example`, name: 'Weak', role: 'SALES', password } },
        admin,
      );
      expect([password, r.body.errors?.[0]?.extensions?.code, r.body.errors?.[0]?.extensions?.field]).toEqual(
        [password, 'BAD_USER_INPUT', 'input.password'],
      );
    }
    const rep = await person();
    const update = await t.gql(
      `mutation($id: ID!) { updateUser(id: $id, input: { password: "password1234" }) { id } }`,
      { id: rep.id },
      admin,
    );
    expect(update.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.password',
    });
    expect(
      (await t.db.pool.query(`SELECT count(*)::int AS n FROM auth.users WHERE email LIKE 'weak%'`)).rows[0].n,
    ).toBe(0);
    // a passphrase of unrelated words is fine
    expect(
      (
        await t.gql(
          CREATE,
          {
            i: {
              email: 'strong@accounts.test.example',
              name: 'Strong',
              role: 'SALES',
              password: 'violet tractor moonlight 7',
            },
          },
          admin,
        )
      ).body.errors,
    ).toBeUndefined();
  });
});
