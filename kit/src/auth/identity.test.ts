import { SignJWT } from 'jose';
import { IdentitySigner, IdentityVerifier, signIdentity, verifyIdentity, type Identity } from './identity';

const SECRET = 's'.repeat(40);
const alice: Identity = { userId: 7, email: 'alice@x.example', role: 'SALES', requestId: 'req-aaaaaaaa' };

test('the gateway reuses one token per principal while half its life remains, and signs a new one for another principal or after', async () => {
  const signer = new IdentitySigner(SECRET);
  const t0 = 1_000_000;
  const first = await signer.tokenFor(alice, t0);
  expect(await signer.tokenFor({ ...alice, requestId: 'req-bbbbbbbb' }, t0 + 29_000)).toBe(first);
  expect(await signer.tokenFor({ ...alice, role: 'MANAGER' }, t0)).not.toBe(first);
  expect(await signer.tokenFor({ ...alice, userId: 8 }, t0)).not.toBe(first);
  // The reused token carries no request id: a subgraph takes it from the header.
  expect(await verifyIdentity(SECRET, first, 'req-cccccccc')).toEqual({
    ...alice,
    requestId: 'req-cccccccc',
  });
  expect(await verifyIdentity(SECRET, first, 'bad id!')).toEqual({ ...alice, requestId: 'unknown' });
  await new Promise((r) => setTimeout(r, 1100)); // a new token differs by its iat (seconds)
  expect(await signer.tokenFor(alice, t0 + 31_000)).not.toBe(first);
});

test('a subgraph verifies a token once and keeps it; the token its own request id wins; forged, foreign and missing tokens are refused', async () => {
  const verifier = new IdentityVerifier(SECRET);
  const own = await signIdentity(SECRET, alice);
  expect(await verifier.verify(own, 'req-dddddddd')).toEqual(alice);
  const reused = await new IdentitySigner(SECRET).tokenFor(alice);
  expect(await verifier.verify(reused, 'req-eeeeeeee')).toEqual({ ...alice, requestId: 'req-eeeeeeee' });
  expect(await verifier.verify(reused, 'req-ffffffff')).toEqual({ ...alice, requestId: 'req-ffffffff' });
  await expect(verifier.verify(await signIdentity('f'.repeat(40), alice))).rejects.toMatchObject({
    code: 'UNAUTHENTICATED',
  });
  await expect(verifier.verify(undefined)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  // The right secret but not the gateway's subgraph token (another audience): refused, and not kept.
  const foreign = await new SignJWT({ role: 'ADMIN' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('1')
    .setIssuedAt()
    .setExpirationTime('60s')
    .sign(new TextEncoder().encode(SECRET));
  await expect(verifier.verify(foreign)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  await expect(verifier.verify(foreign)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
});
