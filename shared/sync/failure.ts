import { TandemError } from '../api/errors.ts';

/**
 * How the engine reacts to an error:
 * - `cancelled`: the engine aborted the request itself (pause, stop, case removed);
 * - `network`: the server cannot be reached or says it is unavailable (502, 503, 504, 429) —
 *   all work waits with backoff, retried without limit;
 * - `server`: another 5xx, 408 or an unexpected error — retry this item with backoff, a few times;
 * - `storage-full`: the cache cannot take more — stop syncing until resumed;
 * - `unauthorized`: the session is gone (401) — nothing can work until the user signs in again,
 *   so everything stops and waits for resume; no item is blamed for it;
 * - `rejected`: the server refused this item (other 4xx) — final for that item.
 */
export type FailureKind =
  'cancelled' | 'network' | 'server' | 'storage-full' | 'unauthorized' | 'rejected';

export function classifyFailure(err: unknown, signal?: AbortSignal): FailureKind {
  if (signal?.aborted) return 'cancelled';
  if (err instanceof TandemError) {
    if (err.code === 'storage-full') return 'storage-full';
    if (err.code === 'offline') return 'network';
    const status = err.status;
    if (status === undefined) return 'server';
    if (status === 502 || status === 503 || status === 504 || status === 429) return 'network';
    if (status >= 500 || status === 408) return 'server';
    if (status === 401) return 'unauthorized';
    return 'rejected';
  }
  // fetch rejects with a TypeError when the network fails
  if (err instanceof TypeError) return 'network';
  return 'server';
}

/**
 * The code of the error `AtRestCipher.seal` rejects with when the bytes it was given went to a thread that
 * stopped before it sealed them: not the store's failure, nor the server's; the image is fetched
 * again.
 */
export const SEAL_LOST = 'seal-lost';

export function isSealLost(err: unknown): err is TandemError {
  return err instanceof TandemError && err.code === SEAL_LOST;
}

export function storageFullError(neededBytes: number, budgetBytes: number): TandemError {
  const mb = (n: number) => Math.ceil(n / 1_000_000).toLocaleString('en');
  return new TandemError(
    'storage-full',
    `The image cache is full (${mb(budgetBytes)} MB allowed, about ${mb(neededBytes)} MB more needed). ` +
      'Finish or sign open cases, or ask the site administrator to raise the cache limit; syncing resumes then.',
  );
}

/** A message a radiologist can read, whatever was thrown. */
export function readableMessage(err: unknown, fallback: string): string {
  return err instanceof TandemError ? err.message : fallback;
}
