/**
 * Login throttling. Per account (in the database): from the 5th consecutive failure the account is
 * locked for 2^(n-5) seconds (capped at 15 min), so 100 guesses take hours. Per client address (in
 * memory): at most 30 attempts a minute. Every attempt counts, aliased or batched ones included.
 */
export const FREE_FAILURES = 4;
export const MAX_LOCK_SECONDS = 15 * 60;

export function lockSeconds(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_LOCK_SECONDS, 2 ** (failures - FREE_FAILURES - 1));
}

export class AddressLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limit = 30,
    private readonly windowMs = 60_000,
  ) {}

  /** Records an attempt; false when the address is over its limit. */
  allow(address: string, now = Date.now()): boolean {
    const recent = (this.hits.get(address) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    this.hits.set(address, recent);
    if (this.hits.size > 10_000) this.hits.clear(); // bounded memory under a flood
    return recent.length <= this.limit;
  }
}
