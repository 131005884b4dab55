import { z } from 'zod';
import type { OutboxRow } from '../cache/rows.ts';
import { backoffDelay, type BackoffPolicy } from '../sync/backoff.ts';
import type { Random } from '../sync/ports.ts';
import { SignedReport } from './document.ts';

/**
 * The report outbox (ARCHITECTURE.md, Reports): a signed report waits here until the backend
 * confirms it, sent again and again with the idempotency key fixed when it was signed, so a
 * crash, a reload or a lost answer can neither lose nor duplicate it.
 *
 * Item states (the cache's `OutboxState`, which eviction reads):
 * - `pending`   waiting to be sent (`nextAttemptAt` says when; a retry after an error keeps it),
 * - `sending`   a request is (or was, before a crash) under way; found at start, it is sent again,
 * - `failed`    the backend refused it for good (a 409 conflict, 422 tampered, other 4xx): shown
 *               to the reader as an error, kept, never dropped (a 409 `report-replayed` that is
 *               this item's own earlier delivery counts as delivered: `settleReplay`),
 * - `delivered` the backend confirmed it.
 *
 * Everything here is pure over ports (`OutboxStore`, `submit`, clock, random); the sync worker
 * gives it Dexie and the API client, tests give it in-process ones.
 */

export const OutboxProblem = z.object({
  code: z.string(),
  message: z.string(),
  status: z.number().int().optional(),
});
export type OutboxProblem = z.infer<typeof OutboxProblem>;

/** What an outbox row's `payload` holds. */
export const OutboxPayload = z.object({
  signed: SignedReport,
  /** epoch ms before which the item is not sent again */
  nextAttemptAt: z.number(),
  /** the last reason it was not delivered (a retry's or the final refusal) */
  lastError: OutboxProblem.nullable(),
  deliveredAt: z.number().nullable(),
});
export type OutboxPayload = z.infer<typeof OutboxPayload>;

export type OutboxItem = Omit<OutboxRow, 'payload'> & { payload: OutboxPayload };

/**
 * What the `signedReports` row's `document` holds: the signed report and the idempotency key it
 * was given at signing (so an outbox item lost in a crash is re-created with the same key).
 */
export const StoredSignedReport = z.object({
  signed: SignedReport,
  idempotencyKey: z.string().min(1).max(200),
  /** the report text the reader saw when signing (`renderReportText`) */
  text: z.string(),
});
export type StoredSignedReport = z.infer<typeof StoredSignedReport>;

/** How a submission went, as the submitter port classifies it. */
export type SubmitOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; problem: OutboxProblem; offline?: boolean }
  | { kind: 'rejected'; problem: OutboxProblem };

export interface OutboxStore {
  /** Signed reports that have no outbox item yet get one (a crash between storing and queueing). */
  enqueueOrphans(now: number): Promise<number>;
  /** Items not delivered nor refused (`pending`, `sending`), oldest first; payloads unchecked. */
  unsent(): Promise<OutboxRow[]>;
  save(item: OutboxRow): Promise<void>;
}

export interface OutboxPorts {
  store: OutboxStore;
  submit(item: OutboxItem): Promise<SubmitOutcome>;
  now(): number;
  random: Random;
  backoff?: BackoffPolicy;
}

/** Between attempts while offline or on server errors: 1 s doubling to 30 s, jittered. */
export const OUTBOX_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000 };

/**
 * How an HTTP answer (or none: `status` undefined) to a submission is handled. 409 (a replay under
 * another key) and 422 (signature or hash do not match) are final; so are other 4xx but 401/403
 * (the session is gone or belongs to someone else: wait for the signer to sign in again), 408 and
 * 429. No answer and 5xx are retried.
 */
export function classifySubmitFailure(
  status: number | undefined,
  problem: OutboxProblem,
): SubmitOutcome {
  if (status === undefined) return { kind: 'retry', problem, offline: true };
  if (status >= 500 || status === 408 || status === 429 || status === 401 || status === 403) {
    return { kind: 'retry', problem, offline: status === 502 || status === 503 || status === 504 };
  }
  return { kind: 'rejected', problem };
}

/** What the backend holds under a report id, as far as telling a repeat from a conflict needs. */
export interface HeldSubmission {
  hash: string;
  signature: string;
  /** the idempotency key it was received under; null when the backend does not say */
  idempotencyKey: string | null;
}

/**
 * A 409 `report-replayed` answers a submission whose signed report the backend already holds.
 * It is this item's own earlier delivery (a retry that raced the first attempt, an answer lost
 * after storing) exactly when the backend holds the same signed report — same hash, same
 * signature — received under this item's idempotency key: then it is delivered. Anything else
 * (nothing held under the report's id, another signature, another key: someone else's copy) is a
 * real conflict: refused for good, kept and shown to the reader.
 */
export function settleReplay(
  item: OutboxItem,
  held: HeldSubmission | null,
  problem: OutboxProblem,
): SubmitOutcome {
  const { hash, signature } = item.payload.signed;
  if (
    held !== null &&
    held.idempotencyKey === item.idempotencyKey &&
    held.signature === signature &&
    held.hash === hash
  ) {
    return { kind: 'delivered' };
  }
  return {
    kind: 'rejected',
    problem: {
      ...problem,
      code: 'report-conflict',
      message:
        held === null
          ? `${problem.message} The server could not show what it holds under this report's id.`
          : 'The server already holds this signed report from another submission, not from this workstation’s delivery of it.',
    },
  };
}

export interface DrainResult {
  delivered: number;
  rejected: number;
  retried: number;
  /** when the next item falls due (epoch ms), or null when nothing waits */
  nextDueAt: number | null;
}

/**
 * One pass over the outbox: each due item is marked `sending`, submitted, then `delivered`,
 * `failed` or back to `pending` with a backoff. `ignoreSchedule` sends waiting items now (the
 * network just came back). When the server cannot be reached, the pass stops at the first item:
 * the others would fail the same way.
 */
export async function drainOutbox(
  ports: OutboxPorts,
  options: { ignoreSchedule?: boolean } = {},
): Promise<DrainResult> {
  const { store } = ports;
  const policy = ports.backoff ?? OUTBOX_BACKOFF;
  const result: DrainResult = { delivered: 0, rejected: 0, retried: 0, nextDueAt: null };
  const due = (at: number) => {
    result.nextDueAt = result.nextDueAt === null ? at : Math.min(result.nextDueAt, at);
  };
  await store.enqueueOrphans(ports.now());
  const rows = await store.unsent();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const parsed = OutboxPayload.safeParse(row.payload);
    if (!parsed.success) {
      // Kept and shown, never dropped: someone has to look at it.
      await store.save({
        ...row,
        state: 'failed',
        payload: {
          ...(typeof row.payload === 'object' && row.payload !== null ? row.payload : {}),
          lastError: {
            code: 'outbox-unreadable',
            message:
              'This signed report cannot be read from the outbox and was not sent. Tell your administrator.',
          },
        },
      });
      result.rejected++;
      continue;
    }
    let item: OutboxItem = { ...row, payload: parsed.data };
    // No retry is ever set further ahead than the longest backoff: one that is was set before the
    // system clock went back (a corrected time), and is due now rather than hours or days later.
    const dueAt = item.payload.nextAttemptAt;
    if (
      item.state === 'pending' &&
      !options.ignoreSchedule &&
      dueAt > ports.now() &&
      dueAt <= ports.now() + policy.maxMs
    ) {
      due(dueAt);
      continue;
    }
    item = { ...item, state: 'sending', attempts: item.attempts + 1 };
    await store.save(item);
    let outcome: SubmitOutcome;
    try {
      outcome = await ports.submit(item);
    } catch (err) {
      outcome = {
        kind: 'retry',
        problem: {
          code: 'outbox-unexpected',
          message: err instanceof Error ? err.message : 'The report could not be sent.',
        },
      };
    }
    const now = ports.now();
    if (outcome.kind === 'delivered') {
      await store.save({
        ...item,
        state: 'delivered',
        payload: { ...item.payload, lastError: null, deliveredAt: now },
      });
      result.delivered++;
    } else if (outcome.kind === 'rejected') {
      await store.save({
        ...item,
        state: 'failed',
        payload: { ...item.payload, lastError: outcome.problem },
      });
      result.rejected++;
    } else {
      const nextAttemptAt = now + backoffDelay(item.attempts, policy, ports.random);
      await store.save({
        ...item,
        state: 'pending',
        payload: { ...item.payload, lastError: outcome.problem, nextAttemptAt },
      });
      result.retried++;
      due(nextAttemptAt);
      if (outcome.offline) {
        // The rest wait for the same moment rather than fail one by one.
        for (const rest of rows.slice(i + 1)) {
          const p = OutboxPayload.safeParse(rest.payload);
          if (p.success) due(Math.max(p.data.nextAttemptAt, nextAttemptAt));
        }
        break;
      }
    }
  }
  return result;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Keeps the outbox draining: a pass at start, after every `nudge` (a report was queued, the
 * network is back), and when the next retry falls due. Passes never overlap; a nudge during a
 * pass runs another one after it.
 */
export class OutboxRunner {
  private readonly ports: OutboxPorts;
  private readonly timers: Timers;
  private readonly onError: (err: unknown) => void;
  private timer: unknown = undefined;
  private running: Promise<void> | null = null;
  private again: { ignoreSchedule: boolean } | null = null;
  private stopped = true;

  constructor(ports: OutboxPorts, timers: Timers, onError: (err: unknown) => void) {
    this.ports = ports;
    this.timers = timers;
    this.onError = onError;
  }

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  /** Runs a pass soon; `ignoreSchedule`: items waiting for a retry go too. */
  nudge(options: { ignoreSchedule?: boolean } = {}): void {
    if (this.stopped) return;
    const ignoreSchedule = options.ignoreSchedule ?? false;
    if (this.running) {
      this.again = { ignoreSchedule: ignoreSchedule || (this.again?.ignoreSchedule ?? false) };
      return;
    }
    this.clearTimer();
    this.running = this.pass(ignoreSchedule);
  }

  /** Resolves once no pass runs; a pass under way finishes (its item's state stays consistent). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    this.again = null;
    await this.running;
  }

  /** Resolves when the outbox is idle (no pass running nor asked for). For tests and benches. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass(ignoreSchedule: boolean): Promise<void> {
    let nextDueAt: number | null;
    try {
      nextDueAt = (await drainOutbox(this.ports, { ignoreSchedule })).nextDueAt;
    } catch (err) {
      this.onError(err);
      nextDueAt = this.ports.now() + (this.ports.backoff ?? OUTBOX_BACKOFF).maxMs;
    }
    this.running = null;
    if (this.stopped) return;
    const again = this.again;
    this.again = null;
    if (again) {
      this.running = this.pass(again.ignoreSchedule);
      return;
    }
    if (nextDueAt !== null) {
      const delay = Math.max(0, nextDueAt - this.ports.now());
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.nudge();
      }, delay);
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
