import { describe, expect, it, vi } from 'vitest';
import { TandemError } from '../../shared/api/errors.ts';
import type { ReaderCommand, ReaderReply } from './cache-reader-channel.ts';
import { CacheReaderClient } from './cache-reader-client.ts';

/** A worker at the seam: records commands, answers as the test says. */
class FakeWorker extends EventTarget {
  readonly commands: ReaderCommand[] = [];
  terminated = false;
  postMessage(command: ReaderCommand): void {
    this.commands.push(command);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(message: ReaderReply): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
  fail(message: string): void {
    const event = new Event('error', { cancelable: true }) as Event & { message: string };
    event.message = message;
    this.dispatchEvent(event);
  }
  reads(): Extract<ReaderCommand, { type: 'read' }>[] {
    return this.commands.filter((c) => c.type === 'read');
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function setUp() {
  const worker = new FakeWorker();
  const inThread = {
    read: vi.fn((uid: string) => Promise.resolve(new TextEncoder().encode(`page:${uid}`).buffer)),
    readHeader: vi.fn((uid: string) =>
      Promise.resolve(new TextEncoder().encode(`page-header:${uid}`).buffer),
    ),
  };
  const client = new CacheReaderClient(
    () => Promise.resolve({ key: null }),
    inThread,
    () => worker as unknown as Worker,
  );
  return { worker, inThread, client };
}

const text = (b: ArrayBuffer | null) => (b === null ? null : new TextDecoder().decode(b));

describe('CacheReaderClient (the page side of the cache-reader worker)', () => {
  it('sends the key, then reads whole files and headers through the worker', async () => {
    const { worker, inThread, client } = setUp();
    const whole = client.read('1.2.3');
    const header = client.readHeader('1.2.4');
    await tick();
    expect(worker.commands[0]).toMatchObject({
      type: 'read',
      sopInstanceUid: '1.2.3',
      header: false,
    });
    expect(worker.commands.find((c) => c.type === 'key')).toEqual({ type: 'key', key: null });
    const [a, b] = worker.reads();
    worker.reply({ type: 'bytes', id: b!.id, bytes: new TextEncoder().encode('head').buffer });
    worker.reply({ type: 'bytes', id: a!.id, bytes: new TextEncoder().encode('file').buffer });
    expect(b!.header).toBe(true);
    expect(text(await whole)).toBe('file');
    expect(text(await header)).toBe('head');
    expect(inThread.read).not.toHaveBeenCalled();
  });

  it('says when an instance is not stored, and passes a read error on with its code', async () => {
    const { worker, client } = setUp();
    const missing = client.read('1.2.3');
    const damaged = client.read('1.2.4');
    const [a, b] = worker.reads();
    worker.reply({ type: 'missing', id: a!.id });
    worker.reply({ type: 'failed', id: b!.id, code: 'cache-damaged', message: 'damaged' });
    expect(await missing).toBeNull();
    const err = await damaged.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TandemError);
    expect(err).toMatchObject({ code: 'cache-damaged', message: 'damaged' });
  });

  it('ignores a reply that is not one', async () => {
    const { worker, client } = setUp();
    const read = client.read('1.2.3');
    worker.dispatchEvent(new MessageEvent('message', { data: { type: 'bytes', id: 'x' } }));
    worker.reply({ type: 'missing', id: worker.reads()[0]!.id });
    expect(await read).toBeNull();
  });

  it('reads on the page when the worker fails: what waited on it, and everything after', async () => {
    const { worker, inThread, client } = setUp();
    const waiting = client.readHeader('1.2.3');
    worker.fail('could not load');
    expect(worker.terminated).toBe(true);
    expect(text(await waiting)).toBe('page-header:1.2.3');
    expect(text(await client.read('1.2.4'))).toBe('page:1.2.4');
    expect(inThread.read).toHaveBeenCalledWith('1.2.4');
    expect(worker.reads()).toHaveLength(1);
  });

  it('reads on the page when the key cannot be had', async () => {
    const worker = new FakeWorker();
    const inThread = {
      read: vi.fn(() => Promise.reject(new TandemError('cache-key', 'no key'))),
      readHeader: vi.fn(() => Promise.resolve(null)),
    };
    const client = new CacheReaderClient(
      () => Promise.reject(new Error('keychain')),
      inThread,
      () => worker as unknown as Worker,
    );
    const read = client.read('1.2.3');
    await expect(read).rejects.toMatchObject({ code: 'cache-key' });
    expect(worker.terminated).toBe(true);
  });
});
