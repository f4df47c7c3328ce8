import { reactive, readonly } from 'vue';
import { createClient, ConsoleRefreshDocument, LoginDocument, LogoutDocument, type ApiError } from '@erp/sdk';
import type { Role } from './roles';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export type SessionStatus = 'anonymous' | 'restoring' | 'authenticated';

export interface SessionDeps {
  /** The GraphQL endpoint (same origin: /graphql). */
  url: string;
  fetch?: typeof fetch;
  /** Where the refresh token lives: sessionStorage (the tab's session). */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Refresh this long before the access token expires (default 60 s). */
  refreshMarginMs?: number;
}

export const REFRESH_KEY = 'erp.console.refreshToken';

/** A failed login/refresh: the first GraphQL error's code (or NETWORK). */
export class SessionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function firstError(errors: ApiError[], status: number): SessionError {
  const e = errors[0];
  return new SessionError(
    e?.extensions?.code ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'UNKNOWN'),
    e?.message ?? `HTTP ${status}`,
    (e?.extensions ?? {}) as Record<string, unknown>,
  );
}

export function isUnauthenticated(body: unknown, status: number): boolean {
  if (status === 401) return true;
  const errors = (body as { errors?: ApiError[] } | null)?.errors;
  return Array.isArray(errors) && errors.some((e) => e?.extensions?.code === 'UNAUTHENTICATED');
}

/**
 * The login session: the access token only in memory, the refresh token in sessionStorage, a refresh
 * scheduled before the access token expires, and `fetch` for the API client that adds the token,
 * refreshes when it is (nearly) expired, and retries once after a refresh when the gateway answers
 * UNAUTHENTICATED. Concurrent refreshes share one request (the refresh token is single-use).
 */
export function createSession(deps: SessionDeps) {
  const doFetch = deps.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const storage = deps.storage ?? sessionStorage;
  const now = deps.now ?? Date.now;
  const setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const margin = deps.refreshMarginMs ?? 60_000;
  const api = createClient({ url: deps.url, fetch: doFetch });

  const state = reactive({
    status: 'anonymous' as SessionStatus,
    user: null as SessionUser | null,
    expiresAt: 0,
  });
  let accessToken: string | undefined;
  let timer: unknown;
  let refreshing: Promise<boolean> | null = null;
  const listeners = new Set<(reason: 'expired' | 'logout') => void>();

  function schedule() {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (state.status !== 'authenticated') return;
    const delay = Math.max(0, state.expiresAt - now() - margin);
    timer = setTimer(() => void refresh(), delay);
  }

  function accept(p: { accessToken: string; refreshToken: string; expiresAt: string; user: SessionUser }) {
    accessToken = p.accessToken;
    storage.setItem(REFRESH_KEY, p.refreshToken);
    state.user = { id: p.user.id, email: p.user.email, name: p.user.name, role: p.user.role };
    state.expiresAt = Date.parse(p.expiresAt);
    state.status = 'authenticated';
    schedule();
  }

  function clear(reason: 'expired' | 'logout') {
    const was = state.status;
    accessToken = undefined;
    storage.removeItem(REFRESH_KEY);
    state.user = null;
    state.expiresAt = 0;
    state.status = 'anonymous';
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (was !== 'anonymous') for (const l of listeners) l(reason);
  }

  async function login(email: string, password: string): Promise<SessionUser> {
    let r;
    try {
      r = await api.execute(LoginDocument, { email, password });
    } catch (e) {
      throw new SessionError('NETWORK', String(e));
    }
    if (r.errors.length || !r.data) throw firstError(r.errors, r.status);
    accept(r.data.login);
    return state.user!;
  }

  /** Exchanges the stored refresh token for a new pair; false (and signed out) when it is refused. */
  function refresh(): Promise<boolean> {
    refreshing ??= (async () => {
      const token = storage.getItem(REFRESH_KEY);
      if (!token) {
        clear('expired');
        return false;
      }
      try {
        const r = await api.execute(ConsoleRefreshDocument, { refreshToken: token });
        if (r.errors.length || !r.data) {
          clear('expired');
          return false;
        }
        accept(r.data.refreshToken);
        return true;
      } catch {
        // network failure: keep the session, try again shortly
        if (state.status === 'authenticated') timer = setTimer(() => void refresh(), 5_000);
        return false;
      }
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  /** At start-up: a refresh token in sessionStorage (page reload) gives the session back. */
  async function restore(): Promise<boolean> {
    if (!storage.getItem(REFRESH_KEY)) return false;
    state.status = 'restoring';
    const ok = await refresh();
    if (!ok && state.status === 'restoring') state.status = 'anonymous';
    return ok;
  }

  async function logout(): Promise<void> {
    const token = storage.getItem(REFRESH_KEY);
    if (token) {
      try {
        await api.execute(LogoutDocument, { refreshToken: token });
      } catch {
        /* signed out locally whatever the network says */
      }
    }
    clear('logout');
  }

  /** The access token, refreshed first when it expires within the margin (a sleeping tab misses its timer). */
  async function validToken(): Promise<string | undefined> {
    if (state.status === 'authenticated' && state.expiresAt - now() < margin) await refresh();
    return accessToken;
  }

  /** fetch for the API client: Authorization added; one refresh and retry on UNAUTHENTICATED. */
  const authFetch: typeof fetch = async (input, init = {}) => {
    const send = async (token: string | undefined) => {
      const headers = new Headers(init.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      else headers.delete('authorization');
      return doFetch(input, { ...init, headers });
    };
    const token = await validToken();
    const res = await send(token);
    if (!token) return res;
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: handed on as it is */
    }
    if (!isUnauthenticated(body, res.status))
      return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    if (!(await refresh()))
      return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    return send(accessToken);
  };

  return {
    state: readonly(state),
    login,
    logout,
    refresh,
    restore,
    validToken,
    authFetch,
    /** Called when the session ends (refresh refused, or logout). */
    onEnd(fn: (reason: 'expired' | 'logout') => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** For tests: the in-memory access token. */
    get accessToken() {
      return accessToken;
    },
  };
}

export type Session = ReturnType<typeof createSession>;
