import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { TandemError } from '../../shared/api/errors.ts';
import {
  errorOfReply,
  onCheckedMessage,
  onWorkerFailure,
  replyFailureOf,
} from './worker-messages.ts';

const send = (target: EventTarget, data: unknown) =>
  target.dispatchEvent(new MessageEvent('message', { data }));

describe('messages between the renderer’s threads', () => {
  it('hands over the messages the schema accepts, and drops others without quoting them', () => {
    const target = new EventTarget();
    const got: number[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    onCheckedMessage(target, z.object({ n: z.number() }), 'test: not a message', (m) =>
      got.push(m.n),
    );
    send(target, { n: 1 });
    send(target, { n: 'DOE^JANE' });
    send(target, { n: 2 });
    expect(got).toEqual([1, 2]);
    expect(warn.mock.calls).toEqual([['test: not a message']]);
    warn.mockRestore();
  });

  it('carries a failure across as the same TandemError, or as a plain error', () => {
    const tandem = new TandemError('cache-key-unavailable', 'Sign in again.');
    expect(errorOfReply(replyFailureOf(tandem, 'x'))).toEqual(tandem);
    expect(errorOfReply(replyFailureOf(tandem, 'x'))).toBeInstanceOf(TandemError);
    const plain = errorOfReply(replyFailureOf(new RangeError('too big'), 'x'));
    expect(plain).not.toBeInstanceOf(TandemError);
    expect(plain.message).toBe('too big');
    expect(replyFailureOf('thrown text', 'the image could not be read')).toEqual({
      code: null,
      message: 'the image could not be read',
    });
  });

  it('says why a worker failed, and keeps its error from reaching the console as uncaught', () => {
    const worker = new EventTarget();
    const why: string[] = [];
    onWorkerFailure(worker as unknown as Worker, (w) => why.push(w));
    const error = new Event('error', { cancelable: true }) as Event & { message: string };
    error.message = 'failed to load';
    worker.dispatchEvent(error);
    expect(error.defaultPrevented).toBe(true);
    worker.dispatchEvent(new Event('messageerror'));
    expect(why).toEqual(['failed to load', 'a reply could not be read']);
  });
});
