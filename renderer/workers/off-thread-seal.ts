import { TandemError } from '../../shared/api/errors.ts';
import type { AtRestCipher } from '../../shared/cache/at-rest-cipher.ts';
import { SEAL_LOST } from '../../shared/sync/failure.ts';
import type { WebCryptoKey } from '../../shared/report/signing.ts';
import { SealReply, type SealCommand } from './seal-channel.ts';
import { errorOfReply, onCheckedMessage, onWorkerFailure } from './worker-messages.ts';

interface Pending {
  resolve: (blob: Blob) => void;
  reject: (err: unknown) => void;
  /** a blob body stays here and can be sealed on this thread; bytes went to the worker */
  body: Blob | undefined;
}

/**
 * `inThread` with its `seal` done by a sealing worker (`seal.worker.ts`) under the same key and
 * setting (`inThread` is the cipher they make: `aesGcmCipher(key, { sealNew })`, or
 * `PLAIN_CIPHER` without a key): the sync worker's thread reads the images as they stream in, and
 * every millisecond it spends encrypting one or making its blob is one the next image's bytes
 * wait in the socket. The image's bytes are transferred to the sealing worker (no copy when the
 * view is its buffer whole, so the caller must not use them, nor views of them, afterwards); the
 * blob comes back. A blob stored plain is stored as it is, with no round trip.
 *
 * Where the worker cannot run (it failed to load or stopped), seals are done on this thread.
 * Images whose bytes had gone to a worker that stopped are lost with it: their seal rejects with
 * `SEAL_LOST`, and the sync fetches them again.
 */
export function sealOffThread(
  inThread: AtRestCipher,
  key: WebCryptoKey | null,
  sealNew: boolean,
  spawnWorker: () => Worker = () =>
    new Worker(new URL('./seal.worker.ts', import.meta.url), {
      type: 'module',
      name: 'tandem-seal',
    }),
): AtRestCipher {
  const sealer = new OffThreadSealer(inThread, { type: 'key', key, sealNew }, spawnWorker);
  return {
    encrypts: inThread.encrypts,
    seal: (body) => sealer.seal(body),
    open: (blob, sealed) => inThread.open(blob, sealed),
    sealBytes: (plain) => inThread.sealBytes(plain),
    openBytes: (stored, sealed) => inThread.openBytes(stored, sealed),
    sealValue: (value) => inThread.sealValue(value),
    openValue: (stored) => inThread.openValue(stored),
  };
}

class OffThreadSealer {
  /** undefined once none can serve: seals are done on this thread from then on */
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly inThread: AtRestCipher;
  private readonly key: Extract<SealCommand, { type: 'key' }>;
  private readonly spawnWorker: () => Worker;

  constructor(
    inThread: AtRestCipher,
    key: Extract<SealCommand, { type: 'key' }>,
    spawnWorker: () => Worker,
  ) {
    this.inThread = inThread;
    this.key = key;
    this.spawnWorker = spawnWorker;
    // at once, so the first image stored does not wait for the worker's code to load
    this.worker = this.spawn();
  }

  seal(body: Blob | Uint8Array<ArrayBuffer>): Promise<Blob> {
    const worker = this.worker;
    // plain, a blob is stored as it came: nothing to do, here or there
    if (!worker || (body instanceof Blob && !this.inThread.encrypts)) {
      return this.inThread.seal(body);
    }
    const id = this.nextId++;
    return new Promise<Blob>((resolve, reject) => {
      if (body instanceof Blob) {
        this.pending.set(id, { resolve, reject, body });
        worker.postMessage({ type: 'seal', id, body } satisfies SealCommand);
        return;
      }
      // a view of part of a buffer (an image that came within one chunk) goes as a copy, so
      // the rest of that buffer stays usable here
      const own =
        body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : body.slice();
      this.pending.set(id, { resolve, reject, body: undefined });
      worker.postMessage({ type: 'seal', id, body: own } satisfies SealCommand, [own.buffer]);
    });
  }

  /** The worker, sent the key; undefined (and seals done here from now on) when none can start. */
  private spawn(): Worker | undefined {
    let worker: Worker;
    try {
      worker = this.spawnWorker();
    } catch (err) {
      console.warn(`sealing worker: sealing on the sync worker instead (${String(err)})`);
      return undefined;
    }
    worker.postMessage(this.key);
    onCheckedMessage(
      worker,
      SealReply,
      'sealing worker: ignored a message that is not a reply',
      (message) => {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.type === 'sealed') pending.resolve(message.blob);
        else pending.reject(errorOfReply(message));
      },
    );
    onWorkerFailure(worker, (why) => this.giveUp(worker, why));
    return worker;
  }

  /** The worker cannot serve: what it held is lost or sealed here, and later seals are done here. */
  private giveUp(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    console.warn(`sealing worker: sealing on the sync worker instead (${why})`);
    this.worker = undefined;
    worker.terminate();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const p of waiting) {
      if (p.body) this.inThread.seal(p.body).then(p.resolve, p.reject);
      else
        p.reject(
          new TandemError(
            SEAL_LOST,
            // the engine fetches the image again; this is said only if that kept happening
            'it was lost while being encrypted for the cache.',
          ),
        );
    }
  }
}
