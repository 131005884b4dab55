import type { WebCryptoKey } from '../../shared/report/signing.ts';
import type { StoredInstanceReader } from '../viewer/cached-instances.ts';
import { ReaderReply, type ReaderCommand } from './cache-reader-channel.ts';
import { errorOfReply, onCheckedMessage, onWorkerFailure } from './worker-messages.ts';

interface Pending {
  sopInstanceUid: string;
  header: boolean;
  resolve: (bytes: ArrayBuffer | null) => void;
  reject: (err: unknown) => void;
}

/**
 * The page's handle on the cache-reader worker (`cache-reader.worker.ts`): `read` gives an
 * instance's plain Part-10 bytes, or null when it is not in the cache. Reading a row and opening
 * its sealed blob then cost the page's main thread one message, which matters while the reader
 * scrolls: every image read ahead would otherwise take main-thread time from drawing the one shown.
 * Where the worker cannot run (it failed to load, or the key could not be had), reads go to
 * `inThread`, the same reads on the page, whose errors say what went wrong.
 */
export class CacheReaderClient implements StoredInstanceReader {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly keyState: () => Promise<{ key: WebCryptoKey | null }>;
  private readonly inThread: StoredInstanceReader;
  private readonly spawnWorker: () => Worker;

  constructor(
    keyState: () => Promise<{ key: WebCryptoKey | null }>,
    inThread: StoredInstanceReader,
    spawnWorker: () => Worker = () =>
      new Worker(new URL('./cache-reader.worker.ts', import.meta.url), {
        type: 'module',
        name: 'tandem-cache-reader',
      }),
  ) {
    this.keyState = keyState;
    this.inThread = inThread;
    this.spawnWorker = spawnWorker;
  }

  /** Starts the worker ahead of the first read (the viewer's warm-up), so that read does not wait for it. */
  prepare(): void {
    if (!this.broken) this.worker ??= this.spawn();
  }

  read(sopInstanceUid: string): Promise<ArrayBuffer | null> {
    return this.ask(sopInstanceUid, false);
  }

  /** What a header read needs: the bytes before the pixels where the file can be cut there. */
  readHeader(sopInstanceUid: string): Promise<ArrayBuffer | null> {
    return this.ask(sopInstanceUid, true);
  }

  private ask(sopInstanceUid: string, header: boolean): Promise<ArrayBuffer | null> {
    if (this.broken) return this.readInThread(sopInstanceUid, header);
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    return new Promise<ArrayBuffer | null>((resolve, reject) => {
      this.pending.set(id, { sopInstanceUid, header, resolve, reject });
      const command: ReaderCommand = { type: 'read', id, sopInstanceUid, header };
      worker.postMessage(command);
    });
  }

  private readInThread(sopInstanceUid: string, header: boolean): Promise<ArrayBuffer | null> {
    return header ? this.inThread.readHeader(sopInstanceUid) : this.inThread.read(sopInstanceUid);
  }

  private spawn(): Worker {
    const worker = this.spawnWorker();
    this.keyState().then(
      ({ key }) => worker.postMessage({ type: 'key', key } satisfies ReaderCommand),
      // the page's own read asks for the key again and says why it cannot have it
      () => this.giveUp(worker, 'no key for the image cache'),
    );
    onCheckedMessage(
      worker,
      ReaderReply,
      'cache reader: ignored a message that is not a reply',
      (message) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.type === 'bytes') pending.resolve(message.bytes);
        else if (message.type === 'missing') pending.resolve(null);
        else pending.reject(errorOfReply(message));
      },
    );
    onWorkerFailure(worker, (why) => this.giveUp(worker, why));
    return worker;
  }

  /** The worker cannot serve: reads waiting on it, and every later one, are read on the page. */
  private giveUp(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    console.warn(`cache reader: reading on the page instead (${why})`);
    this.broken = true;
    this.worker = undefined;
    worker.terminate();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting)
      this.readInThread(p.sopInstanceUid, p.header).then(p.resolve, p.reject);
  }
}
