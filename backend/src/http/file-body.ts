import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';

/**
 * A response body made of files on disk and small pieces in memory (a multipart part's head, the
 * line after it), written to the socket through a few read buffers that are used again.
 *
 * Why not `createReadStream`: it allocates a fresh buffer for every read, and V8 counts those
 * buffers as external memory. Serving a study at loopback speed then made V8 start a full
 * collection of the backend's heap every 50–80 ms, about as much CPU as the serving itself, on
 * the same cores as the workstation the answer goes to. Here a buffer goes back to the pool only
 * once the socket has taken its bytes (the write's callback), so no reader ever sees a buffer
 * that is being filled again.
 */
export type BodyPiece = Buffer | { readonly path: string };

export interface FileBody {
  readonly kind: 'files';
  readonly pieces: Iterable<BodyPiece> | AsyncIterable<BodyPiece>;
}

export function fileBody(pieces: Iterable<BodyPiece> | AsyncIterable<BodyPiece>): FileBody {
  return { kind: 'files', pieces };
}

export const READ_CHUNK = 256 * 1024;
/** Buffers kept for the next answer; more are allocated while many answers run at once. */
const MAX_POOLED = 32;
const pool: Buffer[] = [];

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK);
}

function giveBack(buffer: Buffer): void {
  if (pool.length < MAX_POOLED) pool.push(buffer);
}

/** Buffers waiting in the pool (for tests). */
export function pooledBuffers(): number {
  return pool.length;
}

/** Resolves once the socket has taken the bytes; rejects if the response is gone. */
function send(raw: ServerResponse, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (raw.destroyed) {
      reject(new Error('the client went away'));
      return;
    }
    raw.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Writes the pieces to `raw` and ends it. Headers must already be written (or set) by the caller.
 * While one chunk of a file is being written, the next is read. Rejects, leaving `raw` to the
 * caller, if a file cannot be read or the client goes away; a buffer whose write never finished
 * is dropped rather than pooled, so its bytes can never be overwritten in flight.
 */
export async function writeFileBody(raw: ServerResponse, body: FileBody): Promise<void> {
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  raw.once('close', onClose);
  try {
    for await (const piece of body.pieces) {
      if (closed) throw new Error('the client went away');
      if (Buffer.isBuffer(piece)) {
        await send(raw, piece);
        continue;
      }
      const file = await open(piece.path, 'r');
      try {
        let writing: { buffer: Buffer; done: Promise<void> } | null = null;
        for (;;) {
          const buffer = takeBuffer();
          let bytesRead: number;
          try {
            ({ bytesRead } = await file.read(buffer, 0, buffer.length, null));
          } catch (err) {
            giveBack(buffer);
            if (writing) await writing.done.catch(() => undefined);
            throw err;
          }
          if (writing) {
            await writing.done;
            giveBack(writing.buffer);
            writing = null;
          }
          if (bytesRead === 0) {
            giveBack(buffer);
            break;
          }
          writing = { buffer, done: send(raw, buffer.subarray(0, bytesRead)) };
          // an unhandled rejection must not escape while the next read runs
          writing.done.catch(() => undefined);
        }
      } finally {
        await file.close();
      }
    }
    await new Promise<void>((resolve) => {
      raw.once('close', resolve);
      raw.end(() => resolve());
    });
  } finally {
    raw.off('close', onClose);
  }
}
