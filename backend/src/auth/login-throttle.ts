/**
 * Refuses further sign-in attempts for a user name from one address after too many failures in a
 * sliding window. In memory: a restart forgets, which is acceptable for a brute-force brake.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(maxFailures = 10, windowMs = 60_000) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
  }

  /** Seconds to wait before trying again, or 0 when an attempt is allowed now. */
  retryAfterSeconds(username: string, ip: string, now = Date.now()): number {
    const recent = this.recent(key(username, ip), now);
    if (recent.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - now) / 1000));
  }

  recordFailure(username: string, ip: string, now = Date.now()): void {
    const k = key(username, ip);
    const recent = this.recent(k, now);
    recent.push(now);
    this.failures.set(k, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  recordSuccess(username: string, ip: string): void {
    this.failures.delete(key(username, ip));
  }

  private recent(k: string, now: number): number[] {
    return (this.failures.get(k) ?? []).filter((t) => now - t < this.windowMs);
  }

  private prune(now: number): void {
    for (const [k, times] of this.failures) {
      if (times.every((t) => now - t >= this.windowMs)) this.failures.delete(k);
    }
  }
}

function key(username: string, ip: string): string {
  return `${username.toLowerCase()}\u0000${ip}`;
}
