import { describe, expect, test, vi } from 'vitest';
import { createSession, REFRESH_KEY } from './session';

const user = { id: '7', email: 'a@x', name: 'Ann', role: 'MANAGER' };
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
    m,
  };
}

/** A fake gateway: login, rotating refresh tokens, and an API call that needs a current token. */
function fakeGateway(now: () => number) {
  let n = 0;
  const valid = new Set<string>();
  const refreshTokens = new Set<string>();
  const calls: string[] = [];
  const issue = () => {
    n++;
    valid.add(`access-${n}`);
    refreshTokens.add(`refresh-${n}`);
    return {
      accessToken: `access-${n}`,
      refreshToken: `refresh-${n}`,
      expiresAt: new Date(now() + 15 * 60_000).toISOString(),
      user,
    };
  };
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body ?? '{}'));
    const q: string = body.query;
    if (q.includes('login(')) {
      calls.push('login');
      return body.variables.password === 'good'
        ? json({ data: { login: issue() } })
        : json({ errors: [{ message: 'bad', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
    if (q.includes('refreshToken(')) {
      calls.push('refresh');
      const t = body.variables.refreshToken;
      if (!refreshTokens.delete(t))
        return json({ errors: [{ message: 'refused', extensions: { code: 'UNAUTHENTICATED' } }] });
      return json({ data: { refreshToken: issue() } });
    }
    if (q.includes('logout(')) {
      calls.push('logout');
      refreshTokens.delete(body.variables.refreshToken);
      return json({ data: { logout: true } });
    }
    calls.push('api');
    const auth = new Headers(init?.headers).get('authorization')?.replace('Bearer ', '');
    if (!auth || !valid.has(auth))
      return json({ errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED' } }] }, 200);
    return json({ data: { ok: auth } });
  });
  return { fetch, valid, refreshTokens, calls };
}

function setup() {
  let clock = Date.parse('2026-01-01T10:00:00Z');
  const now = () => clock;
  const gw = fakeGateway(now);
  const storage = memoryStorage();
  const timers: { fn: () => void; at: number }[] = [];
  const session = createSession({
    url: 'http://test/graphql',
    fetch: gw.fetch as unknown as typeof fetch,
    storage,
    now,
    setTimer: (fn, ms) => {
      const t = { fn, at: clock + ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = async (ms: number) => {
    clock += ms;
    for (const t of timers.filter((x) => x.at <= clock)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
  };
  const tick = (ms: number) => void (clock += ms);
  return { session, gw, storage, timers, advance, tick };
}

describe('session', () => {
  test('login keeps the access token in memory and only the refresh token in sessionStorage', async () => {
    const { session, storage } = setup();
    const u = await session.login('a@x', 'good');
    expect(u.role).toBe('MANAGER');
    expect(session.state.status).toBe('authenticated');
    expect(session.accessToken).toBe('access-1');
    expect([...storage.m.entries()]).toEqual([[REFRESH_KEY, 'refresh-1']]);
  });

  test('a refused login throws its code and leaves the session signed out', async () => {
    const { session, storage } = setup();
    await expect(session.login('a@x', 'bad')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(session.state.status).toBe('anonymous');
    expect(storage.m.size).toBe(0);
  });

  test('the access token is refreshed a minute before it expires, and the refresh token rotates', async () => {
    const { session, gw, storage, advance } = setup();
    await session.login('a@x', 'good');
    await advance(13 * 60_000);
    expect(gw.calls).toEqual(['login']);
    await advance(60_000 + 1);
    expect(gw.calls).toEqual(['login', 'refresh']);
    expect(session.accessToken).toBe('access-2');
    expect(storage.getItem(REFRESH_KEY)).toBe('refresh-2');
  });

  test('an API call answered UNAUTHENTICATED refreshes once and is retried with the new token', async () => {
    const { session, gw } = setup();
    await session.login('a@x', 'good');
    gw.valid.clear(); // the gateway forgot the access token (restart, revoked)
    const res = await session.authFetch('http://test/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ ok }' }),
    });
    expect(await res.json()).toEqual({ data: { ok: 'access-2' } });
    expect(gw.calls).toEqual(['login', 'api', 'refresh', 'api']);
  });

  test('concurrent calls that all fail share one refresh (the refresh token is single-use)', async () => {
    const { session, gw } = setup();
    await session.login('a@x', 'good');
    gw.valid.clear();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        session
          .authFetch('http://test/graphql', { method: 'POST', body: JSON.stringify({ query: '{ ok }' }) })
          .then((r) => r.json()),
      ),
    );
    expect(results.every((r) => r.data?.ok === 'access-2')).toBe(true);
    expect(gw.calls.filter((c) => c === 'refresh')).toHaveLength(1);
  });

  test('a refused refresh signs out and tells the app the session expired', async () => {
    const { session, gw, storage } = setup();
    await session.login('a@x', 'good');
    const ended = vi.fn();
    session.onEnd(ended);
    gw.valid.clear();
    gw.refreshTokens.clear();
    const res = await session.authFetch('http://test/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ ok }' }),
    });
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(session.state.status).toBe('anonymous');
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
    expect(ended).toHaveBeenCalledWith('expired');
  });

  test('a reload restores the session from the refresh token; logout revokes it', async () => {
    const a = setup();
    await a.session.login('a@x', 'good');
    // a new page in the same tab: same storage and gateway, nothing in memory
    const b = createSession({
      url: 'http://test/graphql',
      fetch: a.gw.fetch as unknown as typeof fetch,
      storage: a.storage,
      setTimer: () => 0,
      clearTimer: () => undefined,
    });
    expect(b.accessToken).toBeUndefined();
    expect(await b.restore()).toBe(true);
    expect(b.state.user?.name).toBe('Ann');
    expect(b.accessToken).toBe('access-2');
    await b.logout();
    expect(b.state.status).toBe('anonymous');
    expect(a.storage.getItem(REFRESH_KEY)).toBeNull();
    expect(a.gw.refreshTokens.size).toBe(0);
  });

  test('a token about to expire is refreshed before the call (a sleeping tab missed its timer)', async () => {
    const { session, gw, timers, tick } = setup();
    await session.login('a@x', 'good');
    timers.length = 0; // the timer never fired
    tick(14.5 * 60_000);
    const res = await session.authFetch('http://test/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: '{ ok }' }),
    });
    expect(await res.json()).toEqual({ data: { ok: 'access-2' } });
    expect(gw.calls).toEqual(['login', 'refresh', 'api']);
  });
});
