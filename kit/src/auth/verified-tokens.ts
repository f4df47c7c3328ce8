/**
 * Tokens this process has already verified, kept until they expire: a token presented again (an
 * access token on each request of a session) skips the HMAC check. Keyed by the exact token text,
 * for one secret (one cache per verifier), so a hit is exactly as trustworthy as a fresh check. Only
 * the signature and claims check is cached: any revocation check runs after it, on every request.
 * Bounded: past `max` entries the oldest goes first.
 */
export class VerifiedTokens<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();
  constructor(private readonly max = 10_000) {}

  get(token: string, now = Date.now()): T | undefined {
    const hit = this.entries.get(token);
    if (!hit) return undefined;
    if (hit.expiresAt <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return hit.value;
  }

  /** `expiresAt`: the token's own expiry (ms since the epoch). */
  set(token: string, value: T, expiresAt: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { value, expiresAt });
  }
}
