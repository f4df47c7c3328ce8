import { jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors';
import { isHumanRole, isServiceRole, SERVICE_ROLE, type Principal } from './roles';
import { VerifiedTokens } from './verified-tokens';

/** Who is calling, as the gateway verified it and passes it on to the subgraphs. */
export interface Identity {
  userId: number | null;
  email: string | null;
  role: Principal;
  requestId: string;
}

export const IDENTITY_HEADER = 'x-erp-identity';
/** The request id, beside an identity token signed without one (reused by the gateway for many requests). */
export const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[\w-]{8,64}$/;
const ISSUER = 'erp-gateway';
const AUDIENCE = 'erp-subgraph';
const ALG = 'HS256';
const TTL_SECONDS = 60;

const key = (secret: string) => new TextEncoder().encode(secret);

/** The gateway signs the verified identity for one subgraph request (short-lived, HS256); an empty requestId is left out. */
export async function signIdentity(secret: string, identity: Identity): Promise<string> {
  return new SignJWT({
    email: identity.email,
    role: identity.role,
    ...(identity.requestId ? { rid: identity.requestId } : {}),
  })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(identity.userId === null ? 'service' : String(identity.userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TTL_SECONDS}s`)
    .sign(key(secret));
}

/**
 * The gateway's identity tokens, one per principal (user, e-mail, role), signed without a request id
 * and reused while more than half of their 60 s remain: a request's subgraph calls, and the next
 * requests of the same user, carry the same token (the request id goes in REQUEST_ID_HEADER), so
 * neither the gateway signs nor a subgraph verifies one per request.
 */
export class IdentitySigner {
  private readonly tokens = new Map<string, { token: Promise<string>; renewAt: number }>();
  constructor(
    private readonly secret: string,
    private readonly max = 10_000,
  ) {}

  tokenFor(identity: Identity, now = Date.now()): Promise<string> {
    const key = `${identity.userId ?? ''}\n${identity.email ?? ''}\n${identity.role}`;
    const hit = this.tokens.get(key);
    if (hit && hit.renewAt > now) return hit.token;
    const token = signIdentity(this.secret, { ...identity, requestId: '' });
    if (this.tokens.size >= this.max) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(key, { token, renewAt: now + (TTL_SECONDS / 2) * 1000 });
    token.catch(() => this.tokens.delete(key));
    return token;
  }
}

/** A subgraph verifies the gateway's identity token itself: algorithm, issuer, audience and expiry pinned. */
export async function verifyIdentity(
  secret: string,
  token: string | undefined,
  requestIdHeader?: string,
): Promise<Identity> {
  return withRequestId(await verifyIdentityToken(secret, token), requestIdHeader);
}

const withRequestId = (identity: Identity, header: string | undefined): Identity =>
  identity.requestId
    ? identity
    : { ...identity, requestId: header && REQUEST_ID.test(header) ? header : 'unknown' };

/**
 * verifyIdentity with the verified tokens kept until they expire (a token the gateway reuses is
 * checked once per process); a token's own request id wins over the header's.
 */
export class IdentityVerifier {
  private readonly verified = new VerifiedTokens<Identity>();
  constructor(private readonly secret: string) {}

  async verify(token: string | undefined, requestIdHeader?: string): Promise<Identity> {
    let identity = token ? this.verified.get(token) : undefined;
    if (!identity) {
      identity = await verifyIdentityToken(this.secret, token);
      this.verified.set(token!, identity, expiryOf(token!));
    }
    return withRequestId(identity, requestIdHeader);
  }
}

/** A verified JWT's `exp` in ms. */
const expiryOf = (jwt: string): number => {
  const exp = (
    JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }
  ).exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
};

/** The token's identity, requestId '' when it was signed without one. */
async function verifyIdentityToken(secret: string, token: string | undefined): Promise<Identity> {
  if (!token) throw new UnauthenticatedError('Requests must come through the gateway');
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: 5,
    });
    const role = payload.role as Principal;
    if (role !== SERVICE_ROLE && !isHumanRole(role) && !isServiceRole(role)) throw new Error('unknown role');
    return {
      userId: payload.sub === 'service' ? null : Number(payload.sub),
      email: typeof payload.email === 'string' ? payload.email : null,
      role,
      requestId: typeof payload.rid === 'string' ? payload.rid : '',
    };
  } catch {
    throw new UnauthenticatedError('Invalid gateway credential');
  }
}
