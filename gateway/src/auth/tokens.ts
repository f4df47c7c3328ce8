import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { isAccountRole, UnauthenticatedError, type AccountRole, type Identity } from '@erp/kit';

export const ACCESS_ISSUER = 'erp-gateway';
export const ACCESS_AUDIENCE = 'erp-api';
const ALG = 'HS256';

export interface AccessToken {
  token: string;
  expiresAt: Date;
}

/**
 * A short-lived access token for a user (HS256, iss/aud/exp set; TTL ≤ 15 min), carrying the
 * account's session version (`ver`): a disable, a new password or another role bumps it, and every
 * token issued before stops working at once instead of living out its 15 minutes.
 */
export async function issueAccessToken(
  secret: string,
  user: { id: number; email: string; role: AccountRole; sessionVersion: number },
  ttlSeconds: number,
): Promise<AccessToken> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ email: user.email, role: user.role, ver: user.sessionVersion })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(String(user.id))
    .setIssuer(ACCESS_ISSUER)
    .setAudience(ACCESS_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(secret));
  return { token, expiresAt: new Date((now + ttlSeconds) * 1000) };
}

/**
 * Verifies a Bearer token: only HS256 (so `alg: none` and key-confusion tokens fail), exact issuer
 * and audience, `exp` required, 60 s of clock skew at most. Any failure is UNAUTHENTICATED.
 */
export async function verifyAccessToken(
  secret: string,
  token: string,
  requestId: string,
): Promise<{ identity: Identity; sessionVersion: number }> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: [ALG],
      issuer: ACCESS_ISSUER,
      audience: ACCESS_AUDIENCE,
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: 60,
    });
    // An account's role only: a machine identity that is not an account (SALES_SERVICE) never gets here.
    const role = payload.role;
    if (!isAccountRole(role) || !/^\d+$/.test(payload.sub ?? '')) throw new Error('bad claims');
    // A token from before session versions existed carries none: version 0, every account's first.
    const sessionVersion = payload.ver === undefined ? 0 : payload.ver;
    if (!Number.isInteger(sessionVersion)) throw new Error('bad claims');
    return {
      identity: { userId: Number(payload.sub), email: String(payload.email ?? ''), role, requestId },
      sessionVersion: sessionVersion as number,
    };
  } catch {
    throw new UnauthenticatedError('Invalid or expired access token');
  }
}

export const newRefreshToken = () => randomBytes(32).toString('base64url');
export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
