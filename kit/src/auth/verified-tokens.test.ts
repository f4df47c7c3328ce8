import { VerifiedTokens } from './verified-tokens';

test('a verified token is known until its expiry, then forgotten; the cache stays bounded', () => {
  const cache = new VerifiedTokens<string>(2);
  cache.set('a', 'alice', 1_000);
  expect(cache.get('a', 999)).toBe('alice');
  expect(cache.get('a', 1_000)).toBeUndefined(); // expired: verified again by the caller
  expect(cache.get('b', 0)).toBeUndefined();
  cache.set('a', 'alice', 5_000);
  cache.set('b', 'bob', 5_000);
  cache.set('c', 'carol', 5_000); // over the bound: the oldest ('a') goes
  expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([undefined, 'bob', 'carol']);
});
