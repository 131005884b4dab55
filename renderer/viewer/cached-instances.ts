import { liveQuery, type Subscription } from 'dexie';
import { TandemError } from '../../shared/api/errors.ts';
import { PLAIN_CIPHER, type AtRestCipher } from '../../shared/cache/at-rest-cipher.ts';
import type { TandemDb } from '../../shared/cache/db.ts';
import type { SyncStateRow } from '../../shared/cache/rows.ts';
import type { InstanceBytes } from './tandem-image-loader.ts';
import { markOpening } from './open-marks.ts';

export const NOT_CACHED_OFFLINE =
  'this image is not on this workstation yet, and the server cannot be reached';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Part-10 bytes for the `tandem:` loader, from the cache. An instance not there yet is waited
 * for: the open case is what the sync worker fetches first, and the wait ends when the worker
 * has stored it — or has given up on it, with the reason it recorded on the case. Offline, a
 * missing instance fails at once with a reason the viewport shows.
 */
export class CachedInstances implements InstanceBytes {
  private readonly db: TandemDb;
  private readonly isOffline: () => boolean;
  private readonly want: (sopInstanceUids: string[]) => void;
  private readonly cipher: () => Promise<AtRestCipher>;
  private readonly waiting = new Map<string, Waiter[]>();
  private asking: string[] = [];
  private reads = 0;
  private subscription: Subscription | undefined;

  /**
   * `want` asks the sync worker for images at top priority (asks made in one task go together);
   * `cipher` opens blobs sealed with the workstation key (the current one: it arrives at sign-in).
   */
  constructor(
    db: TandemDb,
    isOffline: () => boolean,
    want: (sopInstanceUids: string[]) => void = () => {},
    cipher: () => Promise<AtRestCipher> = () => Promise.resolve(PLAIN_CIPHER),
  ) {
    this.db = db;
    this.isOffline = isOffline;
    this.want = want;
    this.cipher = cipher;
  }

  /**
   * `urgent`: the reader is waiting for this image (ask the worker for it first); reads made
   * ahead of need (headers for slice linking) wait for the sync's own order instead.
   */
  async bytes(sopInstanceUid: string, urgent = true): Promise<ArrayBuffer> {
    const n = ++this.reads;
    markOpening(`read${n}:start`);
    let row = await this.db.instances.get(sopInstanceUid);
    markOpening(`read${n}:row`);
    if (!row) {
      if (this.isOffline()) throw new TandemError('not-cached', NOT_CACHED_OFFLINE);
      if (urgent) this.ask(sopInstanceUid);
      await this.arrival(sopInstanceUid);
      row = await this.db.instances.get(sopInstanceUid);
      if (!row)
        throw new TandemError('not-cached', 'this image left the cache before it could be shown');
    }
    const cipher = await this.cipher();
    markOpening(`read${n}:cipher`);
    const bytes = await cipher.open(row.blob, row.sealed === true);
    markOpening(`read${n}:opened`);
    return bytes;
  }

  private ask(sopInstanceUid: string): void {
    if (!this.asking.length) {
      queueMicrotask(() => {
        const uids = this.asking;
        this.asking = [];
        this.want(uids);
      });
    }
    this.asking.push(sopInstanceUid);
  }

  /** Resolves when the instance is stored; rejects when the sync worker reported it failed. */
  private arrival(sopInstanceUid: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const list = this.waiting.get(sopInstanceUid) ?? [];
      list.push({ resolve, reject });
      this.waiting.set(sopInstanceUid, list);
      this.watch();
    });
  }

  /** One live query over everything awaited; it follows the worker's writes to the cache. */
  private watch(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    const keys = [...this.waiting.keys()];
    if (!keys.length) return;
    this.subscription = liveQuery(async () => {
      const [present, states] = await Promise.all([
        this.db.instances.where('sopInstanceUid').anyOf(keys).primaryKeys(),
        this.db.syncState.toArray(),
      ]);
      return { present, states };
    }).subscribe({
      next: ({ present, states }) => this.settle(present, states),
      error: (err: unknown) => {
        for (const list of this.waiting.values()) for (const w of list) w.reject(err);
        this.waiting.clear();
        this.subscription = undefined;
      },
    });
  }

  private settle(present: readonly string[], states: readonly SyncStateRow[]): void {
    let changed = false;
    for (const uid of present) {
      const list = this.waiting.get(uid);
      if (!list) continue;
      this.waiting.delete(uid);
      for (const w of list) w.resolve();
      changed = true;
    }
    for (const state of states) {
      for (const error of state.errors) {
        if (!error.subject.startsWith('instance:')) continue;
        const uid = error.subject.slice('instance:'.length);
        const list = this.waiting.get(uid);
        if (!list) continue;
        this.waiting.delete(uid);
        for (const w of list) w.reject(new TandemError(error.code, error.message));
        changed = true;
      }
    }
    if (changed) this.watch();
  }
}
