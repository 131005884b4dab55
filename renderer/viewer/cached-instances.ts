import { liveQuery, type Subscription } from 'dexie';
import { TandemError } from '../../shared/api/errors.ts';
import { PLAIN_CIPHER, type AtRestCipher } from '../../shared/cache/at-rest-cipher.ts';
import type { TandemDb } from '../../shared/cache/db.ts';
import { readStoredHeader, readStoredInstance } from '../../shared/cache/read-instance.ts';
import type { SyncStateRow } from '../../shared/cache/rows.ts';
import type { InstanceBytes } from './tandem-image-loader.ts';
import { markOpening } from './open-marks.ts';

export const NOT_CACHED_OFFLINE =
  'this image is not on this workstation yet, and the server cannot be reached';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Reads stored instances: null when the instance is not stored. */
export interface StoredInstanceReader {
  /** the plain Part-10 bytes */
  read(sopInstanceUid: string): Promise<ArrayBuffer | null>;
  /** what a header read needs (`readStoredHeader`) */
  readHeader(sopInstanceUid: string): Promise<ArrayBuffer | null>;
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
  private readonly reader: StoredInstanceReader;
  private readonly waiting = new Map<string, Waiter[]>();
  private asking: string[] = [];
  private reads = 0;
  private subscription: Subscription | undefined;

  /**
   * `want` asks the sync worker for images at top priority (asks made in one task go together);
   * `cipher` opens blobs sealed with the workstation key (the current one: it arrives at sign-in);
   * `reader` reads stored instances, by default here with `cipher` (the viewer passes its
   * cache-reader worker).
   */
  constructor(
    db: TandemDb,
    isOffline: () => boolean,
    want: (sopInstanceUids: string[]) => void = () => {},
    cipher: () => Promise<AtRestCipher> = () => Promise.resolve(PLAIN_CIPHER),
    reader?: StoredInstanceReader,
  ) {
    this.db = db;
    this.isOffline = isOffline;
    this.want = want;
    this.reader = reader ?? {
      read: (uid) => readStoredInstance(db, cipher, uid),
      readHeader: (uid) => readStoredHeader(db, cipher, uid),
    };
  }

  /**
   * `urgent`: the reader is waiting for this image (ask the worker for it first); reads made
   * ahead of need (headers for slice linking) wait for the sync's own order instead.
   */
  bytes(sopInstanceUid: string, urgent = true): Promise<ArrayBuffer> {
    return this.stored(sopInstanceUid, urgent, (uid) => this.reader.read(uid));
  }

  /**
   * An instance's header for its metadata: the bytes before its pixels where the file can be cut
   * there, else the whole file (`readStoredHeader`). Waited for as `bytes` is.
   */
  header(sopInstanceUid: string, urgent = false): Promise<ArrayBuffer> {
    return this.stored(sopInstanceUid, urgent, (uid) => this.reader.readHeader(uid));
  }

  private async stored(
    sopInstanceUid: string,
    urgent: boolean,
    read: (sopInstanceUid: string) => Promise<ArrayBuffer | null>,
  ): Promise<ArrayBuffer> {
    const n = ++this.reads;
    markOpening(`read${n}:start`);
    let bytes = await read(sopInstanceUid);
    if (bytes === null) {
      markOpening(`read${n}:missing`);
      if (this.isOffline()) throw new TandemError('not-cached', NOT_CACHED_OFFLINE);
      if (urgent) this.ask(sopInstanceUid);
      await this.arrival(sopInstanceUid);
      bytes = await read(sopInstanceUid);
      if (bytes === null)
        throw new TandemError('not-cached', 'this image left the cache before it could be shown');
    }
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
