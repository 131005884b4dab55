import { z } from 'zod';
import { TandemError } from '../../shared/api/errors.ts';

/**
 * Calls `handle` with each message to `target` (a worker, or a worker's own scope) that `schema`
 * accepts; any other is dropped with the warning `ignored`, which never quotes it (a message may
 * carry patient data). Every message between the renderer's threads is checked so.
 */
export function onCheckedMessage<S extends z.ZodType>(
  target: Pick<EventTarget, 'addEventListener'>,
  schema: S,
  ignored: string,
  handle: (message: z.infer<S>) => void,
): void {
  target.addEventListener('message', (event) => {
    const parsed = schema.safeParse((event as MessageEvent).data);
    if (parsed.success) handle(parsed.data);
    else console.warn(ignored);
  });
}

/**
 * How the renderer's workers answer a request that failed (the cache reader, the sealing
 * worker): a `TandemError`'s code and message when it was one, so the user is told the same
 * thing as if the work had been done on the asking thread. One of the replies of each channel.
 */
export const FailedReply = z.object({
  type: z.literal('failed'),
  id: z.number().int(),
  code: z.string().nullable(),
  message: z.string(),
});
export type ReplyFailure = Pick<z.infer<typeof FailedReply>, 'code' | 'message'>;

/** `err` as a reply carries it; `fallback` says what failed when it is not even an `Error`. */
export function replyFailureOf(err: unknown, fallback: string): ReplyFailure {
  return {
    code: err instanceof TandemError ? err.code : null,
    message: err instanceof Error ? err.message : fallback,
  };
}

/** The error a failed reply stands for, on the thread that asked. */
export function errorOfReply(failure: ReplyFailure): Error {
  return failure.code === null
    ? new Error(failure.message)
    : new TandemError(failure.code, failure.message);
}

/** Calls `fail` with why, once the worker fails to load or run, or a reply of it cannot be read. */
export function onWorkerFailure(worker: Worker, fail: (why: string) => void): void {
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    fail(event.message || 'the worker failed');
  });
  worker.addEventListener('messageerror', () => fail('a reply could not be read'));
}
