import { describe, expect, it } from 'vitest';
import { boundaryOf, MultipartError, readMultipart, type ByteSource } from './multipart-reader.ts';

const enc = new TextEncoder();

function body(
  parts: Array<{ headers: string[]; bytes: Uint8Array }>,
  boundary: string,
): Uint8Array {
  const pieces: Uint8Array[] = [enc.encode('preamble\r\n')];
  for (const p of parts) {
    pieces.push(enc.encode(`--${boundary}\r\n${p.headers.map((h) => `${h}\r\n`).join('')}\r\n`));
    pieces.push(p.bytes, enc.encode('\r\n'));
  }
  pieces.push(enc.encode(`--${boundary}--\r\n`));
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The body in chunks of `size` bytes (1: every byte on its own). */
async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

/**
 * The body as a BYOB reader gives it: each read fills at most `size` bytes of the buffer it is
 * given, and takes that buffer (the caller's view is detached, as a transfer leaves it).
 */
function byteSource(bytes: Uint8Array, size: number): ByteSource & { reads: number } {
  let at = 0;
  return {
    reads: 0,
    readInto(into) {
      this.reads++;
      if (at >= bytes.length) return Promise.resolve(null);
      const n = Math.min(size, into.length, bytes.length - at);
      const moved = structuredClone(into, { transfer: [into.buffer] });
      moved.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(new Uint8Array(moved.buffer, moved.byteOffset, n));
    },
  };
}

async function parts(bytes: Uint8Array, boundary: string, size: number, byob = false) {
  const out: Array<{ headers: Map<string, string>; body: number[]; own: boolean }> = [];
  const source = byob ? byteSource(bytes, size) : chunked(bytes, size);
  for await (const p of readMultipart(source, boundary)) {
    const own = p.body.byteOffset === 0 && p.body.buffer.byteLength === p.body.length;
    out.push({ headers: p.headers, body: [...p.body], own });
  }
  return out;
}

// bytes that contain the boundary's own characters and CRLFs, as pixel data may
const tricky = enc.encode('\r\n--b\r\n--bx\r\n\r\n');
const random = Uint8Array.from({ length: 3000 }, (_, i) => (i * 131 + 7) % 256);

describe('readMultipart', () => {
  it('reads parts with and without Content-Length, however the body is chunked', async () => {
    const b = body(
      [
        {
          headers: [
            `Content-Type: application/dicom`,
            `Content-Length: ${random.length}`,
            'Content-Location: /x/instances/1.2',
          ],
          bytes: random,
        },
        { headers: ['Content-Type: application/dicom'], bytes: tricky.subarray(2) },
        { headers: [], bytes: new Uint8Array(0) },
        { headers: [`Content-Length: ${tricky.length}`], bytes: tricky },
      ],
      'bx1',
    );
    for (const size of [1, 7, 64, 4096, b.length]) {
      const got = await parts(b, 'bx1', size);
      expect(got.map((p) => p.body.length)).toEqual([
        random.length,
        tricky.length - 2,
        0,
        tricky.length,
      ]);
      expect(got[0]!.body).toEqual([...random]);
      expect(got[0]!.headers.get('content-location')).toBe('/x/instances/1.2');
      expect(got[1]!.body).toEqual([...tricky.subarray(2)]);
      expect(got[3]!.body).toEqual([...tricky]);
    }
  });

  it('reads the same from a BYOB source, each part that says its length into a buffer of its own', async () => {
    const big = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7 + 3) % 256);
    const b = body(
      [
        { headers: [`Content-Length: ${big.length}`], bytes: big },
        { headers: ['Content-Type: application/dicom'], bytes: tricky.subarray(2) },
        { headers: [`Content-Length: ${random.length}`], bytes: random },
        { headers: [], bytes: new Uint8Array(0) },
        { headers: [`Content-Length: ${tricky.length}`], bytes: tricky },
      ],
      'by1',
    );
    // (one byte a read is left to the chunked test: a transfer per byte is slow)
    for (const size of [7, 64, 4096, 70_000, b.length]) {
      const got = await parts(b, 'by1', size, true);
      expect(got.map((p) => p.body.length)).toEqual([
        big.length,
        tricky.length - 2,
        random.length,
        0,
        tricky.length,
      ]);
      expect(got[0]!.body).toEqual([...big]);
      expect(got[0]!.own).toBe(true);
      expect(got[1]!.body).toEqual([...tricky.subarray(2)]);
      expect(got[2]!.body).toEqual([...random]);
      expect(got[4]!.body).toEqual([...tricky]);
    }
    // the big part came in reads into its own buffer, not in 64 KB pieces joined afterwards
    const source = byteSource(b, b.length);
    for await (const _ of readMultipart(source, 'by1'));
    expect(source.reads).toBeLessThanOrEqual(4);
  });

  it('from a BYOB source too: a body cut off in a part throws after the whole parts', async () => {
    const b = body(
      [
        { headers: [`Content-Length: ${random.length}`], bytes: random },
        { headers: [`Content-Length: ${random.length}`], bytes: random },
      ],
      'cut',
    );
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const p of readMultipart(byteSource(b.subarray(0, b.length - 1000), 300), 'cut'))
          seen.push(p.body.length);
      })(),
    ).rejects.toThrow(/ended in the middle of a part/);
    expect(seen).toEqual([random.length]);
  });

  it('gives no buffer of the size a part claims before its bytes come, when the claim is huge', async () => {
    // a server that says 100 GB and sends 20 bytes: the body ends, no memory is asked for
    const b = body(
      [{ headers: ['Content-Length: 100000000000'], bytes: random.subarray(0, 20) }],
      'h',
    );
    await expect(parts(b, 'h', 64, true)).rejects.toThrow(/ended in the middle of a part/);
  });

  it('hands over every whole part before a body that is cut off, then throws', async () => {
    const b = body(
      [
        { headers: [`Content-Length: ${random.length}`], bytes: random },
        { headers: [`Content-Length: ${random.length}`], bytes: random },
      ],
      'cut',
    );
    const cut = b.subarray(0, b.length - 1000);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const p of readMultipart(chunked(cut, 512), 'cut')) seen.push(p.body.length);
      })(),
    ).rejects.toThrow(MultipartError);
    expect(seen).toEqual([random.length]);
  });

  it('refuses a part longer than its Content-Length says', async () => {
    const b = body([{ headers: ['Content-Length: 10'], bytes: random.subarray(0, 20) }], 'q');
    await expect(parts(b, 'q', 64)).rejects.toThrow(/longer than its Content-Length/);
    await expect(parts(b, 'q', 5, true)).rejects.toThrow(/longer than its Content-Length/);
  });

  it('finds the boundary in a Content-Type', () => {
    expect(boundaryOf('multipart/related; type="application/dicom"; boundary=abc-1')).toBe('abc-1');
    expect(boundaryOf('multipart/related; boundary="a b"; type=x')).toBe('a b');
    expect(boundaryOf('application/dicom')).toBeUndefined();
    expect(boundaryOf(null)).toBeUndefined();
  });
});
