import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PROXY_HEADER } from './auth/client-address';

/**
 * The web console (console/) in production: its Vite build (console/dist) served as static
 * files with a single-page-app fallback, and POST /graphql proxied to the gateway so the browser
 * talks to one origin (no CORS). `ensureConsoleBuilt()` runs the Vite build when dist is missing or
 * older than the sources.
 */

export const CONSOLE_DIR = path.resolve(__dirname, '..', '..', 'console');
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
/** Request bodies above this are refused (413), like the gateway's own limit. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ConsoleServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** The built console (console/dist). */
  distDir: string;
  /** The gateway's GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql */
  gatewayUrl: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * The gateway's trust in this proxy (proxyToken(SUBGRAPH_SECRET)): with it, the gateway counts login
   * attempts per browser address (X-Forwarded-For) instead of one 127.0.0.1 for every browser.
   */
  proxyToken?: string;
  /**
   * Reverse proxies of yours in front of this server (CONSOLE_TRUSTED_PROXIES): the browser is that many
   * X-Forwarded-For entries from the right. 0 (default): the browser is the socket's peer, and an
   * X-Forwarded-For it sends is its own word, ignored.
   */
  trustedProxies?: number;
}

/** The browser's address: the socket's peer, or behind `hops` trusted proxies the entry they wrote for it. */
export function browserAddress(req: http.IncomingMessage, hops = 0): string {
  const chain = [
    ...String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    req.socket.remoteAddress ?? 'unknown',
  ];
  return chain[Math.max(0, chain.length - 1 - hops)]!;
}

export interface RunningConsoleServer {
  /** http://host:port/ */
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  // charts set inline styles; everything else comes from this origin
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
};

/** Vite names its bundles with a content hash: they never change, so they may be cached for a year. */
function isHashedAsset(rel: string): boolean {
  return rel.startsWith('assets/') && /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(rel);
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
  extra: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
    ...extra,
  });
  res.end(body);
}

function serveFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, rel: string) {
  const st = statSync(file);
  const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  const cache = isHashedAsset(rel) ? 'public, max-age=31536000, immutable' : 'no-cache';
  const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const headers = {
    'content-type': type,
    'cache-control': cache,
    etag,
    'last-modified': st.mtime.toUTCString(),
    ...SECURITY_HEADERS,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': st.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** The GraphQL error for a body over MAX_BODY_BYTES; the connection closes so the rest is not read. */
function refuseTooLarge(res: http.ServerResponse) {
  send(
    res,
    413,
    JSON.stringify({
      errors: [{ message: 'Request body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    }),
    'application/json; charset=utf-8',
    { connection: 'close' },
  );
}

function proxyGraphql(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  gateway: URL,
  opts: Pick<ConsoleServerOptions, 'proxyToken' | 'trustedProxies'>,
) {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    refuseTooLarge(res);
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (c: Buffer) => {
    if (refused) return;
    size += c.length;
    if (size > MAX_BODY_BYTES) {
      refused = true;
      refuseTooLarge(res);
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (refused) return;
    const body = Buffer.concat(chunks);
    const headers: http.OutgoingHttpHeaders = { 'content-length': body.length };
    for (const h of [
      'content-type',
      'authorization',
      'accept',
      'accept-language',
      'apollo-require-preflight',
      'x-apollo-operation-name',
    ]) {
      const v = req.headers[h];
      if (v !== undefined) headers[h] = v;
    }
    // The browser's address alone: the gateway trusts it (with the credential below) for throttling.
    headers['x-forwarded-for'] = browserAddress(req, opts.trustedProxies);
    headers['x-forwarded-proto'] = 'http';
    if (opts.proxyToken) headers[PROXY_HEADER] = opts.proxyToken;
    const upstream = http.request(gateway, { method: 'POST', headers, timeout: 60_000 }, (up) => {
      const out: http.OutgoingHttpHeaders = { 'cache-control': 'no-store', ...SECURITY_HEADERS };
      for (const h of ['content-type', 'content-length', 'retry-after'])
        if (up.headers[h] !== undefined) out[h] = up.headers[h];
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('gateway timeout')));
    upstream.on('error', () => {
      if (!res.headersSent)
        send(
          res,
          502,
          JSON.stringify({
            errors: [{ message: 'The API cannot be reached', extensions: { code: 'BAD_GATEWAY' } }],
          }),
          'application/json; charset=utf-8',
        );
      else res.destroy();
    });
    upstream.end(body);
  });
  req.on('error', () => res.destroy());
}

/** Serves the built console and proxies POST /graphql to the gateway. */
export async function startConsoleServer(opts: ConsoleServerOptions): Promise<RunningConsoleServer> {
  const distDir = path.resolve(opts.distDir);
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index))
    throw new Error(`${index} does not exist: build the console first (npm run build -w @erp/console)`);
  const gateway = new URL(opts.gatewayUrl);
  const host = opts.host ?? '127.0.0.1';

  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://console.local');
    } catch {
      send(res, 400, 'Bad request');
      return;
    }
    if (url.pathname === '/graphql') {
      if (req.method === 'POST') return proxyGraphql(req, res, gateway, opts);
      send(res, 405, 'Method not allowed: POST /graphql', 'text/plain; charset=utf-8', { allow: 'POST' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8', { allow: 'GET, HEAD, POST' });
      return;
    }
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      send(res, 400, 'Bad request');
      return;
    }
    const file = path.resolve(distDir, rel);
    if (rel.includes('\0') || (file !== distDir && !file.startsWith(distDir + path.sep))) {
      send(res, 404, 'Not found');
      return;
    }
    if (rel && existsSync(file) && statSync(file).isFile())
      return serveFile(req, res, file, rel.split(path.sep).join('/'));
    // a missing asset is a 404 (never index.html served as a script); any other path is a route of the app
    if (rel.startsWith('assets/') || path.extname(rel)) {
      send(res, 404, 'Not found');
      return;
    }
    return serveFile(req, res, index, 'index.html');
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(p, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, e.name)));
  }
  return newest;
}

function findViteBin(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const bin = path.join(dir, 'node_modules', 'vite', 'bin', 'vite.js');
    if (existsSync(bin)) return bin;
    if (path.dirname(dir) === dir) throw new Error(`vite is not installed for ${from} (npm ci)`);
  }
}

export interface EnsureConsoleBuiltOptions {
  /** The console workspace (default: <repo>/console). */
  consoleDir?: string;
  /** Build even when dist is up to date. */
  force?: boolean;
  log?: (line: string) => void;
}

/**
 * Runs `vite build` in the console workspace when its dist/index.html is missing or older than
 * anything under console/src, index.html, vite.config.ts, package.json or the SDK it bundles.
 * Resolves with whether it built and where dist is.
 */
export async function ensureConsoleBuilt(
  opts: EnsureConsoleBuiltOptions = {},
): Promise<{ built: boolean; distDir: string }> {
  const dir = path.resolve(opts.consoleDir ?? CONSOLE_DIR);
  const distDir = path.join(dir, 'dist');
  const fresh = () => {
    const builtAt = newestMtime(path.join(distDir, 'index.html'));
    const sourcesAt = Math.max(
      ...[
        path.join(dir, 'src'),
        path.join(dir, 'index.html'),
        path.join(dir, 'vite.config.ts'),
        path.join(dir, 'package.json'),
        path.join(dir, '..', 'sdk', 'src'),
      ].map(newestMtime),
    );
    return { builtAt, ok: builtAt > 0 && builtAt >= sourcesAt };
  };
  if (!opts.force && fresh().ok) return { built: false, distDir };
  // One build at a time across processes (two test files, or a test and `npm start`): a second
  // `vite build` would empty dist/ under a console server already serving it. The one that waited
  // finds the build fresh and does not build again.
  const release = await buildLock(dir);
  try {
    const { builtAt, ok } = fresh();
    if (!opts.force && ok) return { built: false, distDir };
    opts.log?.(`building the console (${builtAt ? 'sources changed' : 'no build yet'})…`);
    const bin = findViteBin(dir);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'build', '--logLevel', 'warn'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0
          ? resolve()
          : reject(new Error(`console build failed (exit ${code}):\n${output.slice(-4000)}`)),
      );
    });
    opts.log?.(`console built in ${path.relative(process.cwd(), distDir) || distDir}`);
    return { built: true, distDir };
  } finally {
    release();
  }
}

/** A lock directory per console workspace (mkdir is atomic); one left by a killed build is taken over after 10 minutes. */
export async function buildLock(dir: string, staleMs = 10 * 60_000): Promise<() => void> {
  const lock = path.join(
    os.tmpdir(),
    `erp-console-build-${createHash('sha256').update(dir).digest('hex').slice(0, 16)}.lock`,
  );
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() - newestMtime(lock) > staleMs) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
}
