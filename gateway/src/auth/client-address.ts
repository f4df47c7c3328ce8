import { createHmac, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { isIP } from 'node:net';

/** The header by which the console proxy proves itself to the gateway. */
export const PROXY_HEADER = 'x-erp-proxy';

/**
 * The console proxy's credential: derived from SUBGRAPH_SECRET, which every process speaking for the
 * gateway already holds, so there is no new variable to set and the secret itself never travels. A
 * browser cannot send it (the proxy forwards a fixed list of headers, not this one).
 */
export const proxyToken = (subgraphSecret: string) =>
  createHmac('sha256', subgraphSecret).update('erp console proxy: X-Forwarded-For').digest('base64url');

/**
 * The address a request comes from, as the login throttle counts it. The socket's address, except
 * behind the console proxy (which makes every browser 127.0.0.1): a request carrying the proxy's
 * credential is counted by the last X-Forwarded-For entry, the one the proxy itself wrote from the
 * browser's socket (entries before it are the browser's word). Anyone else's X-Forwarded-For is ignored.
 */
export function clientAddress(req: http.IncomingMessage, trustedProxyToken: string): string {
  const socket = req.socket.remoteAddress ?? 'unknown';
  const presented = req.headers[PROXY_HEADER];
  if (typeof presented !== 'string') return socket;
  const a = Buffer.from(presented);
  const b = Buffer.from(trustedProxyToken);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return socket;
  const forwarded =
    String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .at(-1)
      ?.trim() ?? '';
  return isIP(forwarded) ? forwarded : socket;
}
