import { readFileSync } from 'node:fs';
import { describe, expect, it, afterEach } from 'vitest';
import { readMultipartToFiles, type ReceivedPart } from '../src/dicom/multipart.ts';
import { makeTempDir, removeDir } from '../test-support/processes.ts';

const LIMITS = { maxParts: 10, maxBytes: 1024 * 1024 };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach(removeDir));

async function* chunked(body: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

function body(parts: Buffer[], boundary: string, preamble = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from(preamble)];
  for (const p of parts)
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      p,
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\nepilogue`));
  return Buffer.concat(chunks);
}

describe('multipart/related reader', () => {
  it('splits parts exactly, whatever the chunk sizes, including boundary-like bytes inside a part', async () => {
    const boundary = 'b0undary';
    const parts = [
      Buffer.from('first\r\n--b0undar'),
      Buffer.alloc(5000, 7),
      Buffer.from('\r\n--b0undarZ last'),
    ];
    for (const size of [1, 3, 17, 4096, 1 << 20]) {
      const dir = makeTempDir('multipart');
      dirs.push(dir);
      const received = await readMultipartToFiles(
        chunked(body(parts, boundary, 'preamble\r\n'), size),
        boundary,
        dir,
        LIMITS,
      );
      expect(received.map((r) => r.contentType)).toEqual([
        'application/dicom',
        'application/dicom',
        'application/dicom',
      ]);
      expect(received.map((r) => readFileSync(r.path).toString('base64'))).toEqual(
        parts.map((p) => p.toString('base64')),
      );
    }
  });

  it('refuses a body without its closing boundary, and too many parts', async () => {
    const dir = makeTempDir('multipart');
    dirs.push(dir);
    const received: ReceivedPart[] = [];
    await expect(
      readMultipartToFiles(
        chunked(Buffer.from('--x\r\n\r\nunfinished'), 4),
        'x',
        dir,
        LIMITS,
        received,
      ),
    ).rejects.toMatchObject({ code: 'malformed-multipart', status: 400 });
    expect(received).toHaveLength(1); // the caller can clean up what was written
    const many = body(
      Array.from({ length: 11 }, () => Buffer.from('p')),
      'y',
    );
    await expect(readMultipartToFiles(chunked(many, 64), 'y', dir, LIMITS)).rejects.toMatchObject({
      status: 413,
    });
  });
});
