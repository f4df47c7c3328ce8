import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export type Route = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) => Promise<boolean> | boolean;

export interface HttpOptions<C extends BaseContext> {
  server: ApolloServer<C>;
  context: (req: http.IncomingMessage) => Promise<C>;
  /** Tried before the GraphQL endpoint; return true when handled. */
  routes?: Route[];
  health?: () => Promise<Record<string, unknown>>;
  ready?: () => Promise<{ ready: boolean; [k: string]: unknown }>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        // Refused, but the rest is read and dropped: a socket cut mid-upload reaches the client as a
        // reset instead of the 413 (Node's requestTimeout bounds how long a sender may keep going).
        chunks.length = 0;
        reject(Object.assign(new Error('Request body over 2 MB'), { status: 413 }));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/**
 * A minimal Node HTTP integration for Apollo Server: POST/GET /graphql, /healthz, /readyz, a 2 MB
 * body cap, and no CORS headers (subgraphs are reached by the gateway only; the console is served
 * from its own origin through a proxy).
 */
export function createHttpHandler<C extends BaseContext>(opts: HttpOptions<C>): http.RequestListener {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      for (const route of opts.routes ?? []) if (await route(req, res, url)) return;
      if (url.pathname === '/healthz' && req.method === 'GET') {
        return json(res, 200, { status: 'ok', ...(opts.health ? await opts.health() : {}) });
      }
      if (url.pathname === '/readyz' && req.method === 'GET') {
        const r = opts.ready ? await opts.ready() : { ready: true };
        return json(res, r.ready ? 200 : 503, r);
      }
      if (url.pathname !== '/graphql') return json(res, 404, { error: 'not found' });
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      }
      let body: unknown;
      if (req.method === 'POST') {
        const raw = await readBody(req);
        const type = headers.get('content-type') ?? '';
        if (type.includes('application/json')) {
          try {
            body = raw ? JSON.parse(raw) : {};
          } catch {
            return json(res, 400, {
              errors: [{ message: 'Body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }],
            });
          }
        } else body = raw;
      }
      const result = await opts.server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: (req.method ?? 'GET').toUpperCase(),
          headers,
          search: url.search,
          body,
        },
        context: () => opts.context(req),
      });
      res.statusCode = result.status ?? 200;
      for (const [k, v] of result.headers) res.setHeader(k, v);
      if (result.body.kind === 'complete') res.end(result.body.string);
      else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (err) {
      const status = (err as { status?: number }).status ?? 500;
      if (!res.headersSent) {
        if (status === 413) res.setHeader('connection', 'close');
        json(res, status, {
          errors: [
            status === 413
              ? { message: 'Request body over 2 MB', extensions: { code: 'PAYLOAD_TOO_LARGE' } }
              : { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
          ],
        });
      } else res.end();
    }
  };
}

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 by default; a port in use is reported by name. */
export function listen(
  handler: http.RequestListener,
  port: number,
  name: string,
  host = '127.0.0.1',
): Promise<Listening> {
  const srv = http.createServer(handler);
  srv.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`${name}: port ${port} is already in use`) : err);
    });
    srv.listen(port, host, () => {
      const p = (srv.address() as AddressInfo).port;
      resolve({
        url: `http://${host}:${p}`,
        port: p,
        close: () =>
          new Promise((r) => {
            // Stop accepting, then cut every connection, including keep-alive ones a client opens
            // meanwhile (an ETL still paging through the API), until the server has closed.
            const cut = setInterval(() => srv.closeAllConnections(), 100);
            srv.close(() => {
              clearInterval(cut);
              r();
            });
            srv.closeAllConnections();
          }),
      });
    });
  });
}
