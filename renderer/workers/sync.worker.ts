// First: configures zod before any schema is defined.
import '../app/zod-config.ts';
import { TandemDb } from '../../shared/cache/db.ts';
import {
  PLAIN_CIPHER,
  aesGcmCipher,
  type AtRestCipher,
} from '../../shared/cache/at-rest-cipher.ts';
import { DexieSyncStore } from '../../shared/cache/sync-store.ts';
import { SyncCommand, type SyncEvent } from '../../shared/ipc/sync-channel.ts';
import { SyncEngine } from '../../shared/sync/engine.ts';
import { HttpSyncBackend } from '../../shared/sync/http-backend.ts';
import type { SyncBackend } from '../../shared/sync/ports.ts';
import { changedWorklistItems } from '../../shared/sync/worklist-diff.ts';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { cacheBudget } from '../app/workstation-db.ts';
import { sealOffThread } from './off-thread-seal.ts';
import { WorkerOutbox } from './report-outbox.ts';

/**
 * The sync worker (ARCHITECTURE.md, The data path): a dedicated worker of the renderer's origin
 * running the sync engine over the Dexie cache. Its controller — the page in browser mode, main
 * in Electron — drives it with `SyncCommand`s and hears `SyncEvent`s (`shared/ipc/sync-channel.ts`).
 * Requests go out with the worker's own `fetch`: the session cookie (or a header main injects)
 * authenticates them, and image bytes go from the socket into IndexedDB without the page. Each
 * image is sealed at rest (or only made a blob, stored plain) by a sealing worker of this one
 * (`off-thread-seal.ts`), so this thread keeps reading the images that stream in.
 *
 * One engine per origin: a Web Lock makes a second window's worker wait until the first stops,
 * so two windows never download the same case twice.
 */

const LOCK_NAME = 'tandem-sync-engine';

/** How often a case's counts are written while it syncs (the engine's default is 250 ms). */
const PROGRESS_INTERVAL_MS = 1000;

function post(event: SyncEvent): void {
  self.postMessage(event);
}

class SyncWorker {
  private readonly db = new TandemDb();
  /** signed reports go out from here too, with the session (report-outbox.ts) */
  private readonly outbox = new WorkerOutbox(this.db, () => this.cipher.then((c) => c.cipher));

  constructor() {
    this.cipher = new Promise((resolve) => (this.decideCipher = resolve));
  }
  private store: DexieSyncStore | undefined;
  private engine: SyncEngine | undefined;
  private focusId: string | null = null;
  /** the cache limit a controller last set (`undefined`: none yet, use the workstation setting) */
  private budget: number | null | undefined;
  /** bumped by every start and stop, so a start still waiting for the lock knows it is stale */
  private generation = 0;
  private releaseLock: (() => void) | undefined;
  /** how images are sealed at rest; the page says so before anything is stored */
  private cipher: Promise<{ cipher: AtRestCipher }>;
  private decideCipher: (c: { cipher: AtRestCipher }) => void = () => {};
  private cipherDecided = false;
  private commands: Promise<void> = Promise.resolve();

  /** Commands run one after another, in the order they came. */
  receive(data: unknown): void {
    const parsed = SyncCommand.safeParse(data);
    if (!parsed.success) {
      console.warn('sync worker: ignored a message that is not a sync command');
      return;
    }
    this.commands = this.commands
      .then(() => this.handle(parsed.data))
      .catch((err: unknown) => {
        console.error('sync worker: a command failed', err);
        post({
          type: 'status',
          status: {
            state: 'failed',
            code: 'worker',
            message:
              'Syncing stopped unexpectedly. Reload Tandem; if it persists, tell your administrator.',
          },
        });
      });
  }

  private async handle(command: SyncCommand): Promise<void> {
    switch (command.type) {
      case 'start':
        this.start(command.backendBaseUrl, command.budgetBytes);
        return;
      case 'focus':
        this.focusId = command.caseId;
        this.engine?.focus(command.caseId);
        return;
      case 'cacheKey':
        // the first one decides (the page sends one per worker): a later one would start a
        // sealing worker for nothing
        if (this.cipherDecided) return;
        this.cipherDecided = true;
        this.decideCipher({
          // with a key, what was sealed earlier opens even when new rows are stored plain
          cipher: sealOffThread(
            command.key ? aesGcmCipher(command.key, { sealNew: command.sealNew }) : PLAIN_CIPHER,
            command.key,
            command.sealNew,
          ),
        });
        return;
      case 'want':
        this.engine?.want(command.sopInstanceUids);
        return;
      case 'pause':
        this.engine?.pause();
        return;
      case 'resume':
        this.engine?.resume();
        this.outbox.nudge();
        return;
      case 'stop':
        await this.stop();
        return;
      case 'setBudget':
        await this.setBudget(command.budgetBytes);
        return;
    }
  }

  private start(baseUrl: string, budget: number | null | undefined): void {
    this.outbox.start(baseUrl);
    if (this.engine && this.engine.status().state !== 'stopped') {
      // already running: a second start is a nudge
      this.engine.resume();
      return;
    }
    if (budget !== undefined) this.budget = budget;
    const generation = ++this.generation;
    post({ type: 'status', status: { state: 'idle' } });
    void navigator.locks
      .request(LOCK_NAME, async () => {
        if (generation !== this.generation) return;
        const saved = await cacheBudget();
        const { cipher } = await this.cipher;
        if (generation !== this.generation) return;
        // a limit set while this start waited wins over the saved one
        const budgetBytes = this.budget !== undefined ? this.budget : saved;
        this.store = new DexieSyncStore(this.db, { budgetBytes: budgetBytes ?? undefined, cipher });
        const engine = new SyncEngine({
          backend: observed(baseUrl),
          store: this.store,
          // Each count written wakes the worklist's live query, renders its rows and draws a
          // frame, on the cores the sync shares: once a second is enough for a progress bar.
          // A case's state and errors still go out at once.
          progressIntervalMs: PROGRESS_INTERVAL_MS,
        });
        engine.events.on('status', (status) => post({ type: 'status', status }));
        engine.events.on('progress', (progress) => post({ type: 'progress', progress }));
        this.engine = engine;
        engine.start();
        if (this.focusId !== null) engine.focus(this.focusId);
        // Hold the lock until stopped.
        await new Promise<void>((resolve) => {
          this.releaseLock = resolve;
        });
      })
      .catch((err: unknown) => {
        console.error('sync worker: could not start the engine', err);
        post({
          type: 'status',
          status: {
            state: 'failed',
            code: 'worker',
            message:
              'Syncing could not start. Reload Tandem; if it persists, tell your administrator.',
          },
        });
      });
  }

  private async stop(): Promise<void> {
    this.generation++;
    await this.outbox.stop();
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await engine.stop();
    else post({ type: 'status', status: { state: 'stopped' } });
    this.releaseLock?.();
    this.releaseLock = undefined;
  }

  private async setBudget(budgetBytes: number | null): Promise<void> {
    this.budget = budgetBytes;
    const store = this.store;
    if (!store) return; // taken up by the start under way, or the next one
    store.setBudget(budgetBytes ?? undefined);
    const plan = await store.evictToBudget();
    // A full cache that now has room carries on at once.
    if (plan.kind !== 'storage-full' && this.engine?.status().state === 'storage-full') {
      this.engine.resume();
    }
  }
}

/**
 * The backend over this worker's fetch, telling the controller each time the worklist arrives,
 * with the items when they differ from the last ones told: the page shows them while the engine
 * stores them (`renderer/worklist/received-worklist.ts`).
 */
function observed(baseUrl: string): SyncBackend {
  const http = new HttpSyncBackend({ baseUrl, fetch: (input, init) => fetch(input, init) });
  let told = new Map<string, WorklistItem>();
  return {
    async worklist(signal) {
      const items = await http.worklist(signal);
      const changed = items.length !== told.size || changedWorklistItems(told, items).length > 0;
      if (changed) told = new Map(items.map((i) => [i.caseId, i]));
      post({
        type: 'worklist',
        count: items.length,
        at: Date.now(),
        ...(changed ? { items } : {}),
      });
      return items;
    },
    caseDetail: (caseId, signal) => http.caseDetail(caseId, signal),
    listInstances: (uid, signal) => http.listInstances(uid, signal),
    fetchInstance: (instance, signal, body) => http.fetchInstance(instance, signal, body),
    fetchInstances: (study, instances, signal, onInstance) =>
      http.fetchInstances(study, instances, signal, onInstance),
  };
}

const worker = new SyncWorker();
self.addEventListener('message', (event: MessageEvent) => worker.receive(event.data));
