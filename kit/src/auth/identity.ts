import { jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors';
import { isHumanRole, isServiceRole, SERVICE_ROLE, type Principal } from './roles';

/** Who is calling, as the gateway verified it and passes it on to the subgraphs. */
export interface Identity {
  userId: number | null;
  email: string | null;
  role: Principal;
  requestId: string;
}

export const IDENTITY_HEADER = 'x-erp-identity';
const ISSUER = 'erp-gateway';
const AUDIENCE = 'erp-subgraph';
const ALG = 'HS256';
const TTL_SECONDS = 60;

const key = (secret: string) => new TextEncoder().encode(secret);

/** The gateway signs the verified identity for one subgraph request (short-lived, HS256). */
export async function signIdentity(secret: string, identity: Identity): Promise<string> {
  return new SignJWT({ email: identity.email, role: identity.role, rid: identity.requestId })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(identity.userId === null ? 'service' : String(identity.userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TTL_SECONDS}s`)
    .sign(key(secret));
}

/** A subgraph verifies the gateway's identity token itself: algorithm, issuer, audience and expiry pinned. */
export async function verifyIdentity(secret: string, token: string | undefined): Promise<Identity> {
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
      requestId: typeof payload.rid === 'string' ? payload.rid : 'unknown',
    };
  } catch {
    throw new UnauthenticatedError('Invalid gateway credential');
  }
}
