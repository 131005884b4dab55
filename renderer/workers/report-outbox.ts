import { liveQuery, type Subscription } from 'dexie';
import { ApiClient } from '../../shared/api/client.ts';
import type { AtRestCipher } from '../../shared/cache/at-rest-cipher.ts';
import type { TandemDb } from '../../shared/cache/db.ts';
import { OutboxRunner } from '../../shared/report/outbox.ts';
import { DexieOutboxStore } from '../../shared/report/outbox-store.ts';
import { submitOutboxItem } from '../../shared/report/outbox-submit.ts';

/**
 * The report outbox inside the sync worker. It runs in the worker rather than the page because
 * the worker is where requests are authenticated in both modes (the session cookie in browser
 * mode, the header main injects in Electron) and it lives as long as the session, whichever
 * screen is open. A Web Lock keeps one outbox per origin: with two windows, one drains, the
 * other waits to take over. It follows the cache with `liveQuery` (which sees the page's writes),
 * so a report the page signs and queues is sent at once without a message to the worker.
 */

const LOCK_NAME = 'tandem-report-outbox';

export class WorkerOutbox {
  private readonly db: TandemDb;
  /** seals and opens reports at rest; known once the page has sent the key */
  private readonly cipher: () => Promise<AtRestCipher>;
  private runner: OutboxRunner | undefined;
  private subscription: Subscription | undefined;
  private release: (() => void) | undefined;
  private generation = 0;
  private wanted = false;

  constructor(db: TandemDb, cipher: () => Promise<AtRestCipher>) {
    this.db = db;
    this.cipher = cipher;
  }

  start(baseUrl: string): void {
    if (this.wanted) {
      this.nudge();
      return;
    }
    this.wanted = true;
    const generation = ++this.generation;
    void navigator.locks
      .request(LOCK_NAME, async () => {
        if (generation !== this.generation) return;
        const api = new ApiClient({ baseUrl, fetch: (input, init) => fetch(input, init) });
        const runner = new OutboxRunner(
          {
            store: new DexieOutboxStore(this.db, this.cipher),
            submit: (item) => submitOutboxItem(api, item),
            now: () => Date.now(),
            random: { next: () => Math.random() },
          },
          {
            setTimeout: (fn, ms) => setTimeout(fn, ms),
            clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
          },
          (err) => console.error('report outbox: a pass failed', err),
        );
        this.runner = runner;
        runner.start();
        // Something queued or signed (by the page) → a pass. Only changes count: the runner's
        // own writes come back here too.
        let last: string | undefined;
        this.subscription = liveQuery(async () => {
          const [pending, signed] = await Promise.all([
            this.db.outbox.where('state').equals('pending').primaryKeys(),
            this.db.signedReports.count(),
          ]);
          return `${pending.join('|')}#${signed}`;
        }).subscribe({
          next: (seen) => {
            if (seen === last) return;
            last = seen;
            runner.nudge();
          },
          error: (err: unknown) => console.error('report outbox: cannot follow the cache', err),
        });
        await new Promise<void>((resolve) => {
          this.release = resolve;
        });
      })
      .catch((err: unknown) => console.error('report outbox: could not start', err));
  }

  /** The network is back or the user signed in again: waiting reports go now. */
  nudge(): void {
    this.runner?.nudge({ ignoreSchedule: true });
  }

  async stop(): Promise<void> {
    this.wanted = false;
    this.generation++;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
    this.release?.();
    this.release = undefined;
  }
}
