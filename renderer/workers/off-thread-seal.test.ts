import { describe, expect, it, vi } from 'vitest';
import { TandemError } from '../../shared/api/errors.ts';
import {
  PLAIN_CIPHER,
  aesGcmCipher,
  generateCacheKey,
  type AtRestCipher,
} from '../../shared/cache/at-rest-cipher.ts';
import { SEAL_LOST } from '../../shared/sync/failure.ts';
import { SealCommand, type SealReply } from './seal-channel.ts';
import { sealOffThread } from './off-thread-seal.ts';

/**
 * The sealing worker at the seam: each command is checked as the worker checks it, and sealed
 * with the key and setting it was sent (as `seal.worker.ts` does), unless the test holds the replies.
 */
class FakeSealWorker extends EventTarget {
  readonly commands: SealCommand[] = [];
  /** buffers handed over with each command */
  readonly transferred: ArrayBuffer[][] = [];
  hold = false;
  terminated = false;
  private cipher: AtRestCipher | undefined;
  postMessage(data: unknown, transfer: Transferable[] = []): void {
    // a transfer detaches the sender's buffers, as a real postMessage does
    const command = SealCommand.parse(structuredClone(data, { transfer }));
    this.commands.push(command);
    this.transferred.push(transfer as ArrayBuffer[]);
    if (command.type === 'key') {
      this.cipher = command.key
        ? aesGcmCipher(command.key, { sealNew: command.sealNew })
        : PLAIN_CIPHER;
    } else if (!this.hold) void this.seal(command.id, command.body);
  }
  terminate(): void {
    this.terminated = true;
  }
  async seal(id: number, body: Blob | Uint8Array<ArrayBuffer>): Promise<void> {
    this.reply({ type: 'sealed', id, blob: await this.cipher!.seal(body) });
  }
  reply(message: SealReply): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
  fail(message: string): void {
    const event = new Event('error', { cancelable: true }) as Event & { message: string };
    event.message = message;
    this.dispatchEvent(event);
  }
}

async function setUp() {
  const key = await generateCacheKey();
  const inThread = aesGcmCipher(key);
  const worker = new FakeSealWorker();
  const spawn = vi.fn(() => worker as unknown as Worker);
  const cipher = sealOffThread(inThread, key, true, spawn);
  return { key, inThread, worker, spawn, cipher };
}

const file = (n: number, seed = 1) => {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
};

describe('sealOffThread (the sync worker side of the sealing worker)', () => {
  it('sends the key first, then seals in the worker what opens with the same key', async () => {
    const { worker, spawn, cipher, inThread } = await setUp();
    expect(spawn).toHaveBeenCalledTimes(1);
    expect(worker.commands[0]).toMatchObject({ type: 'key', sealNew: true });
    const plain = file(70_000);
    const sealed = await cipher.seal(plain.slice());
    expect(worker.commands[1]).toMatchObject({ type: 'seal' });
    expect(new Uint8Array(await inThread.open(sealed, true))).toEqual(plain);
    // reading and the other operations stay on this thread
    expect(new Uint8Array(await cipher.open(sealed, true))).toEqual(plain);
    expect(cipher.encrypts).toBe(true);
  });

  it('hands over an image that is its buffer whole, and copies one that shares its buffer', async () => {
    const { worker, cipher } = await setUp();
    const whole = file(4096);
    await cipher.seal(whole);
    expect(whole.byteLength).toBe(0); // detached: transferred, not copied
    // a part that came within a larger chunk: the rest of the chunk stays usable here
    const chunk = file(8192, 7);
    const part = chunk.subarray(100, 4196);
    const sealed = await cipher.seal(part);
    expect(chunk.byteLength).toBe(8192);
    // what went over is a buffer of the part's own, handed over as well
    expect(worker.transferred[2]).toHaveLength(1);
    expect((worker.commands[2] as { body: Uint8Array }).body.buffer.byteLength).toBe(4096);
    expect(
      new Uint8Array(
        await aesGcmCipher((worker.commands[0] as { key: CryptoKey }).key).open(sealed, true),
      ),
    ).toEqual(file(8192, 7).subarray(100, 4196));
  });

  it('seals blobs in the worker too', async () => {
    const { cipher, inThread } = await setUp();
    const plain = file(5000);
    const sealed = await cipher.seal(new Blob([plain]));
    expect(new Uint8Array(await inThread.open(sealed, true))).toEqual(plain);
  });

  it('rejects with what the worker says when sealing fails there', async () => {
    const { worker, cipher } = await setUp();
    worker.hold = true;
    const sealing = cipher.seal(file(100));
    const id = (worker.commands[1] as { id: number }).id;
    worker.reply({ type: 'failed', id, code: 'cache-key-invalid', message: 'bad key' });
    await expect(sealing).rejects.toEqual(new TandemError('cache-key-invalid', 'bad key'));
  });

  it('when the worker fails: bytes it held are lost (fetched again), blobs and later images are sealed here', async () => {
    const { worker, cipher, inThread } = await setUp();
    worker.hold = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const bytes = cipher.seal(file(300));
    const blobPlain = file(400, 3);
    const blob = cipher.seal(new Blob([blobPlain]));
    worker.fail('out of memory');
    await expect(bytes).rejects.toMatchObject({ code: SEAL_LOST });
    expect(new Uint8Array(await inThread.open(await blob, true))).toEqual(blobPlain);
    expect(worker.terminated).toBe(true);
    const later = file(500, 5);
    const sealed = await cipher.seal(later.slice());
    expect(worker.commands).toHaveLength(3); // the key and the two held: nothing more went there
    expect(new Uint8Array(await inThread.open(sealed, true))).toEqual(later);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('out of memory'));
    warn.mockRestore();
  });

  it('seals here when no worker can start', async () => {
    const key = await generateCacheKey();
    const inThread = aesGcmCipher(key);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const cipher = sealOffThread(inThread, key, true, () => {
      throw new Error('workers cannot start here');
    });
    const plain = file(1000);
    expect(new Uint8Array(await inThread.open(await cipher.seal(plain.slice()), true))).toEqual(
      plain,
    );
    warn.mockRestore();
  });

  it('stored plain (no key, or the setting off): the worker only makes the blob; a blob stays as it came', async () => {
    const key = await generateCacheKey();
    for (const [inThread, k] of [
      [PLAIN_CIPHER, null],
      [aesGcmCipher(key, { sealNew: false }), key],
    ] as const) {
      const worker = new FakeSealWorker();
      const cipher = sealOffThread(inThread, k, false, () => worker as unknown as Worker);
      expect(worker.commands[0]).toEqual({ type: 'key', key: k, sealNew: false });
      const plain = file(3000);
      const blob = await cipher.seal(plain.slice());
      expect(worker.commands[1]).toMatchObject({ type: 'seal' });
      expect(new Uint8Array(await blob.arrayBuffer())).toEqual(plain);
      expect(cipher.encrypts).toBe(false);
      const received = new Blob([plain]);
      expect(await cipher.seal(received)).toBe(received);
      expect(worker.commands).toHaveLength(2);
    }
  });
});
