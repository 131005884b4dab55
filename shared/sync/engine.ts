/**
 * The sync engine: brings each assigned case — clinical context, priors and their reports, study
 * metadata, then every image of the study and its priors — from the backend into the cache, in
 * priority order, verified, resumable per instance. Pure logic over ports (`ports.ts`): no Dexie,
 * no fetch, no timers of its own, so it runs in the renderer's sync worker and in unit tests alike.
 *
 * Public API (all of it):
 *
 *   const engine = new SyncEngine({ backend, store, clock?, random?, maxParallel?, ... });
 *   engine.events.on('progress', (p: CaseProgress) => …);   // per case: state, done/total, bytes, errors
 *   engine.events.on('status', (s: EngineStatus) => …);     // running | paused | offline | storage-full | failed | stopped
 *   engine.events.on('removed', ({ caseId }) => …);        // a case left the worklist and the cache
 *   engine.start();             // polls the worklist now and every `pollIntervalMs`
 *   engine.focus(caseId|null);  // the radiologist opened a case: it jumps the queue, its priors right behind
 *   engine.want(sopUids);       // the viewer needs these images now: they go before everything else
 *   engine.pause(); engine.resume(); await engine.stop();
 *   engine.status(); engine.progress();   // current values, for a late subscriber
 *   await engine.pollNow();     // e.g. when the network comes back
 *   await engine.settled();     // nothing left that can run now (work done, or waiting on a timer)
 *
 * Behaviour in short (details beside the code): STAT > urgent > routine, then due time
 * (`schedule.ts`); at most `maxParallel` requests in flight besides the worklist poll, the last
 * slot kept for what the reader waits for, an asked-for image or the opened case's details (an
 * image is checked and sealed after its request, while the next one downloads); when the
 * server cannot be reached (or answers 502/503/504/429) all work waits with capped exponential
 * backoff and jitter, other 5xx and 408 retry the item a few times and again at each poll; every
 * instance is verified (`verify-instance.ts`) before it is stored, corrupt ones are retried, then
 * reported on their case while the rest continues; verified instances are stored in batches
 * (`batchSize`, at most `batchDelayMs` late, at once for the opened case); instances already in
 * the store are never fetched again, so a restart continues where the last run stopped; cases
 * that leave the worklist are removed unless they hold an unsent report, reported cases are kept
 * but not fetched unless opened; a full cache stops syncing with status `storage-full` until
 * `resume()`, and a refused session (401) stops it with status `failed`, code `unauthorized`,
 * until `resume()` — without blaming any item.
 */
import type { WorklistItem } from '../api/contract.ts';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.ts';
import { Emitter } from './emitter.ts';
import { classifyFailure, isSealLost, readableMessage } from './failure.ts';
import { changedWorklistItems } from './worklist-diff.ts';
import {
  mathRandom,
  systemClock,
  type Clock,
  type FetchedInstance,
  type Random,
  type RemoteInstance,
  type SyncBackend,
  type SyncStore,
  type TimerHandle,
} from './ports.ts';
import {
  caseProgress,
  newJobBase,
  newStudyPlan,
  type CasePlan,
  type DetailJob,
  type InstanceJob,
  type Job,
  type ListingJob,
  type StudyPlan,
} from './plan.ts';
import type { CaseProgress } from './records.ts';
import { compareKeys, jobKey, seriesOrderOf, studyFetchOrder, type SortKey } from './schedule.ts';
import { verifyPart10, type InstanceVerifier } from './verify-instance.ts';

/** How many asked-for images the engine remembers (a stack being scrolled asks for many). */
export const MAX_WANTED = 256;

export interface SyncEngineOptions {
  backend: SyncBackend;
  store: SyncStore;
  clock?: Clock;
  random?: Random;
  /**
   * requests in flight at most, the worklist poll aside (default 6: browsers open six per host).
   * The last one is kept for reading (`forReading`): the background sync uses the others, so an
   * image the viewer asks for never waits behind a full set of batched requests on a slow link.
   */
  maxParallel?: number;
  /** between worklist polls, in ms (default 60 s) */
  pollIntervalMs?: number;
  backoff?: BackoffPolicy;
  /** attempts of an item the server answers with 5xx/408/429 before it is reported (default 5) */
  maxServerAttempts?: number;
  /** attempts of an instance that arrives corrupt before it is reported (default 3) */
  maxCorruptAttempts?: number;
  /**
   * instances of one study fetched in one request, when the backend can (`fetchInstances`;
   * default 12; 1 fetches every image alone): per-request work on the server and in the browser
   * is most of what a sync costs beyond the bytes. The viewer's asks go alone, at once.
   */
  fetchBatch?: number;
  /**
   * images fetched but not yet written to the store, at most (default 120): past it no request
   * starts until a write lands. Fetching further ahead than the store can write gains nothing,
   * holds the bytes in memory, and takes the CPU the writes and the checks need.
   */
  maxUnwritten?: number;
  /** verified instances stored per transaction (default 10; batches beat one write each) */
  batchSize?: number;
  /** verified instances stored in one transaction at most (default 48) */
  maxWriteBatch?: number;
  /** a verified instance waits at most this long for its batch to fill, in ms (default 250) */
  batchDelayMs?: number;
  /**
   * A case's counts are reported (written to the store, emitted) at most this often, in ms
   * (default 250); a change of its state or errors at once.
   */
  progressIntervalMs?: number;
  verify?: InstanceVerifier;
}

export type EngineState =
  'idle' | 'running' | 'paused' | 'offline' | 'storage-full' | 'failed' | 'stopped';

export interface EngineStatus {
  state: EngineState;
  /** for `offline`, `storage-full` and `failed`: what happened, for the user */
  message?: string;
  code?: string;
  /** for `offline`: when the next attempt is due (clock time) */
  retryAt?: number;
}

export interface SyncEvents extends Record<string, unknown> {
  progress: CaseProgress;
  status: EngineStatus;
  removed: { caseId: string };
}

/** A failure of the store rather than of the backend. */
class StoreFailure {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

export class SyncEngine {
  readonly events = new Emitter<SyncEvents>();

  private readonly backend: SyncBackend;
  private readonly store: SyncStore;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly verify: InstanceVerifier;
  private readonly maxParallel: number;
  private readonly pollIntervalMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxServerAttempts: number;
  private readonly maxCorruptAttempts: number;
  private readonly batchSize: number;
  private readonly batchDelayMs: number;
  private readonly fetchBatch: number;
  private readonly maxUnwritten: number;
  private readonly maxWriteBatch: number;
  private readonly progressIntervalMs: number;

  private current: EngineStatus = { state: 'idle' };
  private focusId: string | null = null;
  /** SOP Instance UIDs the viewer is waiting for, with when each was asked (newest goes first). */
  private readonly wanted = new Map<string, number>();
  private wantSeq = 0;
  private worklist = new Map<string, WorklistItem>();
  /**
   * Assignments as this engine last handed them to the store (or, for a cancelled case, let the
   * store remove): a poll writes only what differs. Empty at start, when the store compares with
   * what it holds.
   */
  private readonly storedItems = new Map<string, WorklistItem>();
  private readonly plans = new Map<string, CasePlan>();
  private readonly studies = new Map<string, StudyPlan>();

  private queue: Job[] = [];
  private queueDirty = false;
  private readonly running = new Set<Job>();
  /**
   * requests in flight: a running job's own, or a batched request's (an instance leaves once its
   * body is in, a batch once its response has ended)
   */
  private readonly onNetwork = new Set<object>();
  /** running instances whose bytes have not arrived yet */
  private readonly awaitingBytes = new Set<Job>();
  private batch: InstanceJob[] = [];
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private batchTimer: TimerHandle | undefined;

  private netEpoch = 0;
  private netFailures = 0;
  private offlineUntil = 0;
  private wakeTimer: TimerHandle | undefined;
  private wakeAt = Infinity;

  private polling: Promise<void> | undefined;
  private pollController: AbortController | undefined;
  private pollTimer: TimerHandle | undefined;
  private pollFailures = 0;

  private readonly dirtyCases = new Set<string>();
  private progressScheduled = false;
  private readonly lastProgress = new Map<string, string>();
  /** per case, when its progress was last reported and what state and errors it said */
  private readonly lastReported = new Map<string, { at: number; state: string; errors: number }>();
  /** progress that only counted on, waiting for the interval */
  private readonly heldProgress = new Map<string, CaseProgress>();
  private progressTimer: TimerHandle | undefined;
  /** verified instances in the batch being written: the progress written with them counts them */
  private readonly landing = new Set<InstanceJob>();
  /** progress reported but not yet written; the next batch write (or a write of its own) takes it */
  private readonly unsaved = new Map<string, CaseProgress>();
  private statusWriteQueued = false;
  private writes = 0;
  private writeChain: Promise<void> = Promise.resolve();
  private settleWaiters: Array<() => void> = [];

  constructor(opts: SyncEngineOptions) {
    this.backend = opts.backend;
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? mathRandom;
    this.verify = opts.verify ?? verifyPart10;
    this.maxParallel = Math.max(1, opts.maxParallel ?? 6);
    this.pollIntervalMs = opts.pollIntervalMs ?? 60_000;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.maxServerAttempts = opts.maxServerAttempts ?? 5;
    this.maxCorruptAttempts = opts.maxCorruptAttempts ?? 3;
    this.batchSize = Math.max(1, opts.batchSize ?? 10);
    this.batchDelayMs = opts.batchDelayMs ?? 250;
    this.fetchBatch = Math.max(1, opts.fetchBatch ?? 12);
    this.maxUnwritten = Math.max(1, opts.maxUnwritten ?? 120);
    this.maxWriteBatch = Math.max(1, opts.maxWriteBatch ?? 48);
    this.progressIntervalMs = opts.progressIntervalMs ?? 250;
  }

  // ---- public API ---------------------------------------------------------------------------

  start(): void {
    if (this.current.state !== 'idle') return;
    this.setStatus({ state: 'running' });
    void this.poll();
  }

  /** The case the radiologist has open (`null`: none). It and its priors go first. */
  focus(caseId: string | null): void {
    if (caseId === this.focusId) return;
    this.focusId = caseId;
    if (caseId !== null && !this.plans.has(caseId)) {
      const item = this.worklist.get(caseId);
      if (item && item.status !== 'cancelled') this.createPlan(item);
    }
    this.queueDirty = true;
    this.write(() => this.store.openCase(caseId, this.clock.now()));
    this.pump();
  }

  /**
   * The viewer is showing (or about to show) images that are not in the cache yet: fetch them
   * before anything else, the most recently asked first. Unknown UIDs wait until a listing names
   * them; at most `MAX_WANTED` are remembered (the oldest asks are forgotten, not failed).
   */
  want(sopInstanceUids: readonly string[]): void {
    for (const uid of sopInstanceUids) {
      this.wanted.delete(uid);
      this.wanted.set(uid, ++this.wantSeq);
    }
    while (this.wanted.size > MAX_WANTED) {
      const oldest = this.wanted.keys().next().value;
      if (oldest === undefined) break;
      this.wanted.delete(oldest);
    }
    this.queueDirty = true;
    this.pump();
  }

  pause(): void {
    if (this.current.state !== 'running' && this.current.state !== 'offline') return;
    this.setStatus({ state: 'paused' });
    this.halt('requeue');
  }

  resume(): void {
    const s = this.current.state;
    if (s !== 'paused' && s !== 'storage-full' && s !== 'failed' && s !== 'offline') return;
    this.offlineUntil = 0;
    this.netFailures = 0;
    this.setStatus({ state: 'running' });
    this.flush();
    void this.poll();
  }

  async stop(): Promise<void> {
    if (this.current.state === 'stopped') return;
    this.setStatus({ state: 'stopped' });
    this.halt('drop');
    await this.settled();
    // Verified bytes are worth keeping: store them before going.
    if (this.batch.some((j) => j.state === 'verified')) {
      this.flush(true);
      await this.settled();
    }
  }

  status(): EngineStatus {
    return { ...this.current };
  }

  progress(): CaseProgress[] {
    return [...this.plans.values()].map((p) => caseProgress(p, this.studies, this.landing));
  }

  async pollNow(): Promise<void> {
    if (this.current.state === 'offline') {
      this.offlineUntil = 0;
      this.setStatus({ state: 'running' });
    }
    await this.poll();
  }

  settled(): Promise<void> {
    return new Promise((resolve) => {
      this.settleWaiters.push(resolve);
      this.checkSettled();
    });
  }

  // ---- worklist -----------------------------------------------------------------------------

  private active(): boolean {
    return this.current.state === 'running' || this.current.state === 'offline';
  }

  private poll(): Promise<void> {
    if (this.polling) return this.polling;
    if (!this.active()) return Promise.resolve();
    if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    const controller = new AbortController();
    this.pollController = controller;
    this.polling = (async () => {
      let next = this.pollIntervalMs;
      try {
        const items = await this.backend.worklist(controller.signal);
        this.pollFailures = 0;
        this.backOnline();
        const changed = changedWorklistItems(this.storedItems, items);
        if (changed.length) await this.storeCall(() => this.store.putAssignments(changed));
        for (const item of changed) this.storedItems.set(item.caseId, item);
        this.reconcile(items);
        this.retryFailed();
        this.pump();
        await this.removeUnassigned();
      } catch (err) {
        if (err instanceof StoreFailure) {
          this.storeFailed(err.cause);
        } else {
          const kind = classifyFailure(err, controller.signal);
          if (kind === 'network' || kind === 'server') {
            this.pollFailures++;
            next = Math.min(
              this.pollIntervalMs,
              backoffDelay(this.pollFailures, this.backoff, this.random),
            );
            if (kind === 'network' && this.current.state === 'running') {
              this.setStatus({
                state: 'offline',
                message: readableMessage(err, 'The server cannot be reached.'),
                retryAt: this.clock.now() + next,
              });
            }
          } else if (kind === 'unauthorized') {
            this.sessionRefused(err);
          } else if (kind !== 'cancelled') {
            // 403 and the like: the account needs attention before anything else can work.
            this.setStatus({
              state: 'failed',
              code: 'worklist',
              message: readableMessage(err, 'The worklist could not be loaded.'),
            });
            this.halt('requeue');
          }
        }
      } finally {
        this.polling = undefined;
        this.pollController = undefined;
        if (this.active()) {
          this.pollTimer = this.clock.setTimeout(() => {
            this.pollTimer = undefined;
            void this.poll();
          }, next);
        }
        this.pump();
        this.checkSettled();
      }
    })();
    return this.polling;
  }

  private reconcile(items: readonly WorklistItem[]): void {
    this.worklist = new Map(items.map((i) => [i.caseId, i]));
    const wanted = (i: WorklistItem) =>
      i.status === 'assigned' ||
      i.status === 'in-progress' ||
      (i.caseId === this.focusId && i.status !== 'cancelled');
    for (const plan of [...this.plans.values()]) {
      const item = this.worklist.get(plan.caseId);
      if (!item || !wanted(item)) this.dropPlan(plan);
    }
    for (const item of items) {
      if (!wanted(item)) continue;
      const plan = this.plans.get(item.caseId);
      if (!plan) {
        this.createPlan(item);
        continue;
      }
      const before = plan.item;
      plan.item = item;
      if (before.priority !== item.priority || before.dueAt !== item.dueAt) this.queueDirty = true;
      // The case changed on the server (a prior added, images added): look at it again.
      if (
        before.numberOfPriors !== item.numberOfPriors ||
        before.studyInstanceUid !== item.studyInstanceUid
      ) {
        this.again(plan.detail);
      } else if (before.numberOfInstances !== item.numberOfInstances) {
        const study = this.studies.get(item.studyInstanceUid);
        if (study) this.again(study.listing);
      }
    }
  }

  /**
   * Each poll gives what the server failed on (5xx) another chance; what arrived corrupt or was
   * refused (4xx) waits for the next start, so a broken item does not cost a request a minute.
   */
  private retryFailed(): void {
    const retry = (job: Job) => {
      if (job.state === 'failed' && job.error?.code === 'server') this.again(job);
    };
    for (const plan of this.plans.values()) retry(plan.detail);
    for (const study of this.studies.values()) {
      retry(study.listing);
      for (const job of study.instances?.values() ?? []) retry(job);
    }
  }

  /** Runs a finished or failed job once more, from a clean slate. */
  private again(job: Job): void {
    if (job.state === 'pending' || job.state === 'running' || job.state === 'verified') return;
    job.attempts = 0;
    job.notBefore = 0;
    job.error = undefined;
    this.enqueue(job);
    this.markOwners(job);
  }

  /** Cases the store holds that are no longer assigned go, unless a report still waits to be sent. */
  private async removeUnassigned(): Promise<void> {
    const stored = await this.storeCall(() => this.store.storedCaseIds());
    for (const caseId of stored) {
      const item = this.worklist.get(caseId);
      if ((item && item.status !== 'cancelled') || this.plans.has(caseId)) continue;
      if (await this.storeCall(() => this.store.holdsUnsentReport(caseId))) continue;
      // let a running batch write land first, so nothing of the case is written after it is removed
      while (this.flushing) await this.flushing;
      await this.storeCall(() => this.store.removeCase(caseId));
      // a cancelled case stays out of the store until it changes; one that comes back is written
      if (!item) this.storedItems.delete(caseId);
      this.forgetProgress(caseId);
      this.events.emit('removed', { caseId });
    }
  }

  private createPlan(item: WorklistItem): void {
    const detail: DetailJob = { ...newJobBase(), kind: 'detail', caseId: item.caseId };
    const plan: CasePlan = { caseId: item.caseId, item, detail, studies: [] };
    this.plans.set(item.caseId, plan);
    this.enqueue(detail);
    this.dirtyCases.add(item.caseId);
  }

  private dropPlan(plan: CasePlan): void {
    this.plans.delete(plan.caseId);
    this.forgetProgress(plan.caseId);
    this.dropJob(plan.detail);
    for (const uid of plan.studies) this.releaseStudy(plan.caseId, uid);
    this.queueDirty = true;
  }

  /** The case no longer needs the study; its work stops when no other case needs it. */
  private releaseStudy(caseId: string, uid: string): void {
    const study = this.studies.get(uid);
    if (!study) return;
    study.owners.delete(caseId);
    if (study.owners.size > 0) return;
    this.studies.delete(uid);
    this.dropJob(study.listing);
    for (const job of study.instances?.values() ?? []) this.dropJob(job);
    this.batch = this.batch.filter((j) => j.state === 'verified');
  }

  private dropJob(job: Job): void {
    if (job.state === 'running') {
      job.cancel = 'drop';
      job.controller?.abort();
    } else if (job.state === 'pending' || job.state === 'verified') {
      job.state = 'dropped';
    }
  }

  // ---- queue --------------------------------------------------------------------------------

  private enqueue(job: Job): void {
    job.state = 'pending';
    this.queue.push(job);
    this.queueDirty = true;
  }

  private keyOf(job: Job): SortKey {
    if (job.kind === 'detail') {
      const plan = this.plans.get(job.caseId);
      return plan ? jobKey(plan.item, this.focusId, { kind: 'detail' }) : [Infinity];
    }
    if (job.kind === 'instance') {
      const asked = this.wanted.get(job.remote.sopInstanceUid);
      if (asked !== undefined) return [-1, -asked];
    }
    let best: SortKey | undefined;
    for (const caseId of job.study.owners) {
      const plan = this.plans.get(caseId);
      if (!plan) continue;
      const studyIndex = Math.max(0, plan.studies.indexOf(job.study.uid));
      const key =
        job.kind === 'listing'
          ? jobKey(plan.item, this.focusId, { kind: 'listing', studyIndex })
          : jobKey(plan.item, this.focusId, {
              kind: 'instance',
              studyIndex,
              tier: job.tier,
              seriesIndex: job.seriesIndex,
              index: job.index,
            });
      if (!best || compareKeys(key, best) < 0) best = key;
    }
    return best ?? [Infinity];
  }

  private sortQueue(): void {
    this.queue = this.queue.filter((j) => j.state === 'pending');
    for (const job of this.queue) job.key = this.keyOf(job);
    this.queue.sort((a, b) => compareKeys(a.key, b.key));
    this.queueDirty = false;
  }

  /**
   * The best job that may start now, taken off the queue; also arms the timer for later ones.
   * `readingOnly`: only if that job is for reading (`forReading`), else none.
   */
  private take(now: number, readingOnly = false): Job | undefined {
    if (this.queueDirty) this.sortQueue();
    let earliest = Infinity;
    for (let i = 0; i < this.queue.length;) {
      const job = this.queue[i]!;
      if (job.state !== 'pending') {
        this.queue.splice(i, 1);
        continue;
      }
      if (this.waiting(job.notBefore, now)) {
        earliest = Math.min(earliest, job.notBefore);
        i++;
        continue;
      }
      if (readingOnly && !this.forReading(job)) return undefined;
      this.queue.splice(i, 1);
      return job;
    }
    if (earliest < Infinity) this.wakeUpAt(earliest);
    return undefined;
  }

  /** Request slots the background sync may use: all but one, kept for reading (`forReading`). */
  private backgroundSlots(): number {
    return this.maxParallel > 1 ? this.maxParallel - 1 : 1;
  }

  /**
   * Whether the reader is waiting for this job: an image the viewer asked for, or the opened
   * case's details and series listings (the viewer can ask for no image before it has them).
   * The queue puts these first.
   */
  private forReading(job: Job): boolean {
    if (job.kind === 'instance') return this.wanted.has(job.remote.sopInstanceUid);
    if (this.focusId === null) return false;
    if (job.kind === 'detail') return job.caseId === this.focusId;
    return job.study.owners.has(this.focusId);
  }

  /**
   * Whether a wait set for `at` still holds at `now`. No wait is ever set further ahead than the
   * longest backoff: one that is was set before the system clock went back (a corrected time),
   * and is over rather than lasting hours or days.
   */
  private waiting(at: number, now: number): boolean {
    return at > now && at <= now + this.backoff.maxMs;
  }

  private hasRunnable(now: number): boolean {
    if (this.waiting(this.offlineUntil, now)) return false;
    return this.queue.some((j) => j.state === 'pending' && !this.waiting(j.notBefore, now));
  }

  private wakeUpAt(at: number): void {
    if (at >= this.wakeAt && this.wakeTimer !== undefined) return;
    if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.clock.setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  private pump(): void {
    if (this.active()) {
      const now = this.clock.now();
      if (this.waiting(this.offlineUntil, now)) {
        this.wakeUpAt(this.offlineUntil);
      } else {
        // Requests in flight are bounded by `maxParallel`; jobs past their request (verifying,
        // sealing) by twice as many, so a slow check cannot pile up downloaded bytes; and images
        // fetched but not yet written by `maxUnwritten`, so a slow store cannot either.
        // Past the background sync's slots, only what the reader is waiting for (`forReading`).
        while (
          this.onNetwork.size < this.maxParallel &&
          this.running.size - this.awaitingBytes.size < this.maxParallel * 2 &&
          this.unwritten() < this.maxUnwritten
        ) {
          const job = this.take(now, this.onNetwork.size >= this.backgroundSlots());
          if (!job) break;
          this.run(job);
        }
      }
    }
    this.scheduleProgress();
    this.checkSettled();
  }

  // ---- jobs ---------------------------------------------------------------------------------

  private run(job: Job): void {
    if (job.kind === 'instance') {
      const group = this.batchWith(job);
      if (group.length > 1) {
        this.runGroup(group);
        return;
      }
    }
    const controller = new AbortController();
    this.startJob(job, controller);
    this.onNetwork.add(job);
    const work =
      job.kind === 'detail'
        ? this.runDetail(job, controller.signal)
        : job.kind === 'listing'
          ? this.runListing(job, controller.signal)
          : this.runInstance(job, controller.signal);
    this.settleAfter(job, work, controller.signal);
  }

  /** When `work` (a job's request and what follows it) ends: its failure handled, the job settled. */
  private settleAfter(job: Job, work: Promise<void>, signal: AbortSignal): void {
    work.then(
      () => this.settle(job),
      (err: unknown) => {
        this.onFailure(job, err, signal);
        this.settle(job);
      },
    );
  }

  /** Images whose bytes are in but not yet in the store: checked, sealed, waiting or landing. */
  private unwritten(): number {
    return this.running.size - this.awaitingBytes.size + this.batch.length + this.landing.size;
  }

  /** A job starts running under `controller` (an instance waits for its bytes until they come). */
  private startJob(job: Job, controller: AbortController): void {
    job.state = 'running';
    job.controller = controller;
    job.cancel = undefined;
    job.epoch = this.netEpoch;
    this.running.add(job);
    if (job.kind === 'instance') this.awaitingBytes.add(job);
    this.markOwners(job);
  }

  /**
   * The instances to fetch in one request with `job`, itself first: the jobs right behind it in
   * the queue while they are images of the same study that may run now, up to `fetchBatch`. The
   * queue's order is kept (the batch stops at the first job that cannot join), and an image the
   * viewer asked for goes alone, at once.
   */
  private batchWith(job: InstanceJob): InstanceJob[] {
    if (this.fetchBatch < 2 || !this.backend.fetchInstances || job.alone) return [job];
    if (this.wanted.has(job.remote.sopInstanceUid)) return [job];
    const group = [job];
    const now = this.clock.now();
    // Near the end of the queue, what is left is shared evenly among the request slots, so the
    // last images do not wait in one long batch while the other connections stand idle.
    const size = Math.min(
      this.fetchBatch,
      Math.ceil((this.queue.length + 1) / this.backgroundSlots()),
    );
    while (group.length < size && this.queue.length > 0) {
      const next = this.queue[0]!;
      if (next.state !== 'pending') {
        this.queue.shift();
        continue;
      }
      if (
        next.kind !== 'instance' ||
        next.study !== job.study ||
        next.alone ||
        this.waiting(next.notBefore, now) ||
        this.wanted.has(next.remote.sopInstanceUid)
      ) {
        break;
      }
      this.queue.shift();
      group.push(next);
    }
    return group;
  }

  /**
   * Fetches a batch of instances of one study in one request (`SyncBackend.fetchInstances`): each
   * goes on as a job of its own once its bytes are in (verified, sealed, stored as one fetched
   * alone is); the request holds one place among those in flight until its response ends. What
   * the response did not bring goes back to the queue to be fetched alone; a failed request fails
   * what it had not yet brought, as a single one would (one outage counts once).
   */
  private runGroup(group: InstanceJob[]): void {
    const controller = new AbortController();
    const request = {};
    for (const job of group) this.startJob(job, controller);
    this.onNetwork.add(request);
    const signal = controller.signal;
    const notYet = new Map(group.map((j) => [j.remote.sopInstanceUid, j]));
    const fetched = this.backend.fetchInstances!(
      group[0]!.study.uid,
      group.map((j) => j.remote),
      signal,
      (uid, body) => {
        const job = notYet.get(uid);
        if (!job) return;
        notYet.delete(uid);
        this.awaitingBytes.delete(job);
        this.settleAfter(job, this.afterFetch(job, body, signal), signal);
      },
    );
    fetched.then(
      () => {
        this.onNetwork.delete(request);
        // not brought (not found in a batch, or the server cannot batch): fetched alone
        for (const job of notYet.values()) this.requeueAlone(job);
        this.pump();
      },
      (err: unknown) => {
        this.onNetwork.delete(request);
        const kind = classifyFailure(err, signal);
        for (const job of notYet.values()) {
          if (kind === 'server' || kind === 'rejected') {
            // refused or failed as a batch: each image alone says which one, if any, is at fault
            this.requeueAlone(job);
          } else {
            this.awaitingBytes.delete(job);
            this.onFailure(job, err, signal);
            this.settle(job);
          }
        }
        this.pump();
      },
    );
  }

  /** A running job of a batch that did not bring it: back to the queue, to be fetched alone. */
  private requeueAlone(job: InstanceJob): void {
    this.awaitingBytes.delete(job);
    job.alone = true;
    if (job.cancel === 'drop') job.state = 'dropped';
    else this.enqueue(job);
    this.settle(job);
  }

  /** The job's request is done; what is left of it (verifying, sealing) needs no connection. */
  private leaveNetwork(job: Job): void {
    this.awaitingBytes.delete(job);
    if (this.onNetwork.delete(job)) this.pump();
  }

  private settle(job: Job): void {
    this.running.delete(job);
    this.awaitingBytes.delete(job);
    this.onNetwork.delete(job);
    job.controller = undefined;
    this.markOwners(job);
    this.pump();
    if (this.batch.length) {
      // The opened case is being read: its images go to the cache at once (the viewer also
      // waits, without asking, for images it reads ahead of need, e.g. for slice linking).
      const forFocus =
        (this.focusId !== null && this.batch.some((j) => j.study.owners.has(this.focusId!))) ||
        this.batch.some((j) => this.wanted.has(j.remote.sopInstanceUid));
      if (this.batch.length >= this.batchSize || forFocus || this.running.size === 0) {
        this.flush();
      } else {
        this.armBatchTimer();
      }
    }
    this.checkSettled();
  }

  private async runDetail(job: DetailJob, signal: AbortSignal): Promise<void> {
    const detail = await this.backend.caseDetail(job.caseId, signal);
    signal.throwIfAborted();
    await this.storeCall(() => this.store.putCase(detail));
    signal.throwIfAborted();
    const plan = this.plans.get(job.caseId);
    this.succeeded();
    job.state = 'done';
    if (!plan) return;
    const studies = [detail.study, ...detail.priors];
    const uids = [...new Set(studies.map((s) => s.studyInstanceUid))];
    // a detail fetched again may list other priors than before
    for (const uid of plan.studies) if (!uids.includes(uid)) this.releaseStudy(plan.caseId, uid);
    plan.studies = uids;
    for (const summary of studies) {
      let study = this.studies.get(summary.studyInstanceUid);
      if (!study) {
        study = newStudyPlan({
          uid: summary.studyInstanceUid,
          owners: new Set(),
          seriesOrder: seriesOrderOf(summary),
          seriesLabels: new Map(
            summary.series.map((s) => [
              s.seriesInstanceUid,
              `series ${s.seriesNumber === null ? '' : `${s.seriesNumber} `}(${s.description || s.modality})`,
            ]),
          ),
          expected: summary.numberOfInstances,
          label: `study "${summary.description || summary.modalities.join('/')}"`,
          instances: undefined,
        });
        this.studies.set(study.uid, study);
        this.enqueue(study.listing);
      }
      study.owners.add(plan.caseId);
    }
    this.queueDirty = true;
    this.dirtyCases.add(plan.caseId);
  }

  private async runListing(job: ListingJob, signal: AbortSignal): Promise<void> {
    const study = job.study;
    const listed = await this.backend.listInstances(study.uid, signal);
    signal.throwIfAborted();
    const unique = new Map<string, RemoteInstance>();
    for (const inst of listed) {
      if (!unique.has(inst.sopInstanceUid)) {
        unique.set(inst.sopInstanceUid, { ...inst, studyInstanceUid: study.uid });
      }
    }
    const present = await this.storeCall(() =>
      this.store.presentInstances([...unique.keys()], study.uid),
    );
    signal.throwIfAborted();
    this.succeeded();
    job.state = 'done';
    const previous = study.instances;
    const instances = new Map<string, InstanceJob>();
    for (const place of studyFetchOrder([...unique.values()], study.seriesOrder)) {
      const uid = place.instance.sopInstanceUid;
      const known = previous?.get(uid);
      if (known) {
        // listed again (the study grew): keep what is known of it, at its new place
        Object.assign(known, {
          remote: place.instance,
          tier: place.tier,
          seriesIndex: place.seriesIndex,
          index: place.index,
        });
        instances.set(uid, known);
        continue;
      }
      const storedSize = present.get(uid);
      const inst: InstanceJob = {
        ...newJobBase(),
        kind: 'instance',
        study,
        remote: place.instance,
        tier: place.tier,
        seriesIndex: place.seriesIndex,
        index: place.index,
        size: storedSize ?? 0,
        verified: undefined,
      };
      instances.set(uid, inst);
      // Resumption: what the store holds was verified before it was stored; never fetch it again.
      if (storedSize !== undefined) inst.state = 'done';
      else this.enqueue(inst);
    }
    for (const [uid, job] of previous ?? []) if (!instances.has(uid)) this.dropJob(job);
    study.instances = instances;
    this.queueDirty = true;
  }

  private async runInstance(job: InstanceJob, signal: AbortSignal): Promise<void> {
    const remote = job.remote;
    const fetched = await this.backend.fetchInstance(
      remote,
      signal,
      this.store.instanceBody ?? 'blob',
    );
    // The body is in: the connection can carry the next download while this one is checked.
    this.leaveNetwork(job);
    await this.afterFetch(job, fetched, signal);
  }

  /** An instance's bytes are in: verified, then prepared for its store batch. */
  private async afterFetch(
    job: InstanceJob,
    fetched: FetchedInstance,
    signal: AbortSignal,
  ): Promise<void> {
    const remote = job.remote;
    const body = fetched.bytes ?? fetched.blob;
    const size = body instanceof Uint8Array ? body.byteLength : body.size;
    const result = await this.verify(body, {
      sopInstanceUid: remote.sopInstanceUid,
      size: fetched.contentLength ?? remote.size,
    });
    signal.throwIfAborted();
    this.succeeded();
    if (!result.ok) {
      job.attempts++;
      // it came damaged: it comes alone next time, so a batch never carries a bad file twice
      job.alone = true;
      if (job.attempts >= this.maxCorruptAttempts) {
        this.failJob(
          job,
          result.code,
          `${this.describeInstance(job)} arrived damaged ${job.attempts} times: ${result.reason}.`,
        );
      } else {
        job.notBefore = this.clock.now() + backoffDelay(job.attempts, this.backoff, this.random);
        this.enqueue(job);
      }
      return;
    }
    // Sealed here, beside the other downloads, so the batch write only writes.
    const stored = await this.prepare(body, result.header);
    signal.throwIfAborted();
    job.verified = {
      sopInstanceUid: remote.sopInstanceUid,
      studyInstanceUid: job.study.uid,
      seriesInstanceUid: remote.seriesInstanceUid,
      sopClassUid: result.sopClassUid ?? remote.sopClassUid,
      transferSyntaxUid: result.transferSyntaxUid,
      instanceNumber: result.instanceNumber ?? remote.instanceNumber,
      numberOfFrames: result.numberOfFrames,
      rows: result.rows,
      columns: result.columns,
      size,
      ...stored,
    };
    job.state = 'verified';
    this.batch.push(job);
  }

  /** The blob to store: the store's own (sealed at rest) when it prepares them, else as received. */
  private async prepare(
    body: Blob | Uint8Array<ArrayBuffer>,
    header: Uint8Array<ArrayBuffer> | undefined,
  ): Promise<{ blob: Blob; sealed?: boolean; header?: Uint8Array<ArrayBuffer> }> {
    if (!this.store.prepareBlob) {
      return { blob: body instanceof Uint8Array ? new Blob([body]) : body };
    }
    try {
      return await this.store.prepareBlob(body, header);
    } catch (err) {
      // bytes lost on their way to be sealed: the image is fetched again (`onFailure`)
      if (isSealLost(err)) throw err;
      throw new StoreFailure(err);
    }
  }

  private describeInstance(job: InstanceJob): string {
    const series = job.study.seriesLabels.get(job.remote.seriesInstanceUid) ?? 'a series';
    const n = job.remote.instanceNumber;
    return `Image ${n ?? '(unnumbered)'} of ${series} of ${job.study.label}`;
  }

  private describeJob(job: Job): string {
    if (job.kind === 'detail') return 'The case details';
    if (job.kind === 'listing') return `The image list of ${job.study.label}`;
    return this.describeInstance(job);
  }

  private onFailure(job: Job, err: unknown, signal: AbortSignal): void {
    if (err instanceof StoreFailure) {
      // the backend part succeeded; the job runs again once the store works
      if (job.state === 'running') this.enqueue(job);
      this.storeFailed(err.cause);
      return;
    }
    if (isSealLost(err) && !signal.aborted) {
      // Its bytes were lost while being sealed: fetched again at once, neither the server's
      // fault nor the store's. Counted, so a cipher that kept losing them could not loop.
      job.attempts++;
      if (job.attempts >= this.maxServerAttempts) {
        this.failJob(job, 'store', `${this.describeJob(job)} could not be stored: ${err.message}`);
      } else {
        this.enqueue(job);
      }
      return;
    }
    const kind = classifyFailure(err, signal);
    switch (kind) {
      case 'cancelled':
        if (job.cancel === 'drop') job.state = 'dropped';
        else this.enqueue(job);
        return;
      case 'network':
        this.enqueue(job);
        if (job.epoch === this.netEpoch) {
          this.netEpoch++;
          this.netFailures++;
          const delay = backoffDelay(this.netFailures, this.backoff, this.random);
          this.offlineUntil = this.clock.now() + delay;
          if (this.current.state === 'running' || this.current.state === 'offline') {
            this.setStatus({
              state: 'offline',
              message: readableMessage(err, 'The server cannot be reached.'),
              retryAt: this.offlineUntil,
            });
          }
        }
        return;
      case 'unauthorized':
        // not the item's fault: it runs again once the user has signed in and sync resumed
        this.enqueue(job);
        this.sessionRefused(err);
        return;
      case 'server':
        job.attempts++;
        if (job.attempts >= this.maxServerAttempts) {
          this.failJob(
            job,
            'server',
            `${this.describeJob(job)} could not be downloaded: the server kept failing (${readableMessage(err, 'unexpected error').replace(/\.$/, '')}).`,
          );
        } else {
          job.notBefore = this.clock.now() + backoffDelay(job.attempts, this.backoff, this.random);
          this.enqueue(job);
        }
        return;
      case 'storage-full':
      case 'rejected':
        this.failJob(
          job,
          'rejected',
          `${this.describeJob(job)} could not be downloaded: ${readableMessage(err, 'the server refused it')}`,
        );
        return;
    }
  }

  private failJob(job: Job, code: string, message: string): void {
    job.state = 'failed';
    const subject =
      job.kind === 'detail'
        ? 'case'
        : job.kind === 'listing'
          ? `study:${job.study.uid}`
          : `instance:${job.remote.sopInstanceUid}`;
    job.error = { subject, code, message, at: this.clock.now() };
    this.markOwners(job);
  }

  /** The backend refused the session (401): everything waits until `resume()` after a new sign-in. */
  private sessionRefused(err: unknown): void {
    if (!this.active()) return;
    this.setStatus({
      state: 'failed',
      code: 'unauthorized',
      message: readableMessage(err, 'Your session has expired. Sign in again.'),
    });
    this.halt('requeue');
  }

  /** A request went through: the network is back. */
  private succeeded(): void {
    this.netFailures = 0;
    this.backOnline();
  }

  private backOnline(): void {
    if (this.current.state === 'offline') {
      this.offlineUntil = 0;
      this.setStatus({ state: 'running' });
    }
  }

  // ---- storing ------------------------------------------------------------------------------

  private flush(evenIfStopped = false): void {
    if (this.batchTimer !== undefined) this.clock.clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    const canWrite = () => evenIfStopped || this.active() || this.current.state === 'paused';
    this.flushing = (async () => {
      // Images left over by a capped write were ready: they go in the next write, not when some
      // later image comes (at the end of a sync none comes, and they waited for ever).
      let leftOver: boolean;
      do {
        this.flushAgain = false;
        // At most `maxWriteBatch` a write: a write under way cannot be called back, so a cache
        // limit lowered meanwhile, or a crash, is overshot or loses at most that much.
        const ready = this.batch.filter((j) => j.state === 'verified');
        const jobs = ready.slice(0, this.maxWriteBatch);
        this.batch = ready.slice(this.maxWriteBatch);
        leftOver = this.batch.length > 0;
        if (!jobs.length || !canWrite()) {
          this.batch = ready;
          break;
        }
        // The cases' progress goes in the same transaction, counting these as stored: one write
        // per batch instead of two, and the worklist never says more than the cache holds.
        for (const job of jobs) {
          this.landing.add(job);
          this.markOwners(job);
        }
        this.report(this.collectProgress());
        const statuses = [...this.unsaved.values()];
        this.unsaved.clear();
        try {
          await this.storeCall(() =>
            this.store.putInstances(
              jobs.map((j) => j.verified!),
              statuses,
            ),
          );
        } catch (err) {
          this.landing.clear();
          // what was reported counting them did not land: report it afresh
          for (const caseId of [...statuses.map((p) => p.caseId), ...this.unsaved.keys()]) {
            this.lastProgress.delete(caseId);
            this.lastReported.delete(caseId);
            this.dirtyCases.add(caseId);
          }
          this.unsaved.clear();
          this.batch = [...jobs, ...this.batch];
          this.storeFailed(err instanceof StoreFailure ? err.cause : err);
          break;
        }
        this.landing.clear();
        for (const job of jobs) {
          if (job.state !== 'verified') continue;
          job.state = 'done';
          job.size = job.verified!.size;
          job.verified = undefined;
          this.wanted.delete(job.remote.sopInstanceUid);
          this.markOwners(job);
        }
        // room for more downloads, if they were held back for the store
        this.pump();
      } while (this.flushAgain || leftOver || this.batch.length >= this.batchSize);
    })().finally(() => {
      this.flushing = undefined;
      // asked again after the loop's last look but before this ran: go once more
      if (this.flushAgain) {
        this.flushAgain = false;
        this.flush(evenIfStopped);
      } else if (this.active() && this.batch.some((j) => j.state === 'verified')) {
        // Never leave checked images without a write to come (a resume flushes a halted engine).
        this.armBatchTimer();
      }
      this.scheduleProgress();
      this.checkSettled();
    });
  }

  /** The next write at most `batchDelayMs` from now, unless one is already due. */
  private armBatchTimer(): void {
    if (this.batchTimer !== undefined) return;
    this.batchTimer = this.clock.setTimeout(() => {
      this.batchTimer = undefined;
      this.flush();
    }, this.batchDelayMs);
  }

  private async storeCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StoreFailure(err);
    }
  }

  private storeFailed(cause: unknown): void {
    if (this.current.state === 'stopped') return;
    if (classifyFailure(cause) === 'storage-full') {
      this.setStatus({
        state: 'storage-full',
        code: 'storage-full',
        message: readableMessage(cause, 'The image cache is full.'),
      });
    } else {
      this.setStatus({
        state: 'failed',
        code: 'store',
        message: readableMessage(
          cause,
          'The local cache could not be written. Restart Tandem; if it persists, ask the site administrator.',
        ),
      });
    }
    this.halt('requeue');
  }

  /** Stops starting work and aborts what is in flight; `requeue` puts it back for a later resume. */
  private halt(mode: 'requeue' | 'drop'): void {
    for (const job of this.running) {
      job.cancel = mode;
      job.controller?.abort();
    }
    this.pollController?.abort();
    if (this.pollTimer !== undefined) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
  }

  /** Serialises small store writes (status, open case) so they land in order. */
  private write(fn: () => Promise<void>): void {
    this.writes++;
    this.writeChain = this.writeChain
      .then(fn)
      .catch((err: unknown) => this.storeFailed(err))
      .finally(() => {
        this.writes--;
        this.checkSettled();
      });
  }

  // ---- progress -----------------------------------------------------------------------------

  private markOwners(job: Job): void {
    if (job.kind === 'detail') this.dirtyCases.add(job.caseId);
    else for (const caseId of job.study.owners) this.dirtyCases.add(caseId);
  }

  /**
   * Progress is what the worklist follows (a store write — with the batch of images it counts
   * when one is being written — and an event, each re-rendering it):
   * a change of state or errors goes out at once, counts that only went up at once when the
   * case's last such report is `progressIntervalMs` old, else once that interval has passed,
   * and whatever is held when the engine settles.
   */
  private scheduleProgress(): void {
    if (this.progressScheduled || this.dirtyCases.size === 0) return;
    this.progressScheduled = true;
    queueMicrotask(() => {
      this.progressScheduled = false;
      this.report(this.collectProgress());
      this.checkSettled();
    });
  }

  /**
   * The progress of the cases marked dirty that is due to be reported now; what only counted on
   * within the interval is held (and a timer armed for it).
   */
  private collectProgress(): CaseProgress[] {
    const now = this.clock.now();
    const changed: CaseProgress[] = [];
    for (const caseId of this.dirtyCases) {
      const plan = this.plans.get(caseId);
      if (!plan) continue;
      const p = caseProgress(plan, this.studies, this.landing);
      if (this.lastProgress.get(caseId) === JSON.stringify(p)) {
        this.heldProgress.delete(caseId);
        continue;
      }
      const last = this.lastReported.get(caseId);
      const due =
        !last ||
        last.state !== p.state ||
        last.errors !== p.errors.length ||
        now - last.at >= this.progressIntervalMs;
      if (due) {
        this.heldProgress.delete(caseId);
        changed.push(p);
      } else {
        this.heldProgress.set(caseId, p);
      }
    }
    this.dirtyCases.clear();
    if (this.heldProgress.size && this.progressTimer === undefined) {
      this.progressTimer = this.clock.setTimeout(() => {
        this.progressTimer = undefined;
        this.reportHeld();
      }, this.progressIntervalMs);
    }
    return changed;
  }

  private reportHeld(): void {
    if (this.progressTimer !== undefined) this.clock.clearTimeout(this.progressTimer);
    this.progressTimer = undefined;
    const held = [...this.heldProgress.values()];
    this.heldProgress.clear();
    // Held counts going out do not restart a case's interval: at most two reports per interval.
    this.report(held, false);
  }

  private report(changed: readonly CaseProgress[], restartsInterval = true): void {
    if (!changed.length) return;
    const now = this.clock.now();
    for (const p of changed) {
      const at = restartsInterval ? now : (this.lastReported.get(p.caseId)?.at ?? now);
      this.lastProgress.set(p.caseId, JSON.stringify(p));
      this.lastReported.set(p.caseId, { at, state: p.state, errors: p.errors.length });
    }
    for (const p of changed) this.unsaved.set(p.caseId, p);
    this.saveStatus();
    for (const p of changed) this.events.emit('progress', p);
  }

  /**
   * Writes the progress not yet written, unless a batch write takes it first: it waits for the
   * batch being written (whose transaction carries newer progress than any written before it),
   * then takes whatever is still unwritten, so an older count never lands after a newer one.
   */
  private saveStatus(): void {
    if (this.statusWriteQueued) return;
    this.statusWriteQueued = true;
    this.write(async () => {
      while (this.flushing) await this.flushing;
      this.statusWriteQueued = false;
      const statuses = [...this.unsaved.values()];
      this.unsaved.clear();
      if (statuses.length) await this.store.saveCaseStatus(statuses);
    });
  }

  private forgetProgress(caseId: string): void {
    this.lastProgress.delete(caseId);
    this.lastReported.delete(caseId);
    this.heldProgress.delete(caseId);
  }

  // ---- status -------------------------------------------------------------------------------

  private setStatus(status: EngineStatus): void {
    this.current = status;
    this.events.emit('status', { ...status });
  }

  private checkSettled(): void {
    if (!this.settleWaiters.length) return;
    if (this.running.size || this.flushing || this.polling || this.progressScheduled || this.writes)
      return;
    if (this.dirtyCases.size) {
      this.scheduleProgress();
      return;
    }
    if (this.heldProgress.size) {
      this.reportHeld();
      return;
    }
    if (this.active() && this.hasRunnable(this.clock.now())) return;
    if (this.active() && this.batch.some((j) => j.state === 'verified')) return;
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
