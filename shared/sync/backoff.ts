import type { Random } from './ports.ts';

export interface BackoffPolicy {
  /** delay before the first retry, in ms */
  baseMs: number;
  /** the delay never exceeds this, in ms */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 };

/**
 * Delay before retry number `attempt` (1 for the first retry): exponential, capped, with jitter
 * in the upper half of the window so that workstations failing together do not retry together,
 * yet each waits at least half the nominal delay.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: Random): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(nominal / 2 + random.next() * (nominal / 2));
}
