/**
 * Reads a multipart/related body (RFC 2046 §5.1, as DICOMweb retrieval answers) as it streams in,
 * handing over each part as soon as its last byte has arrived. A part that says its length
 * (`Content-Length`, as Tandem's backend writes) is cut by counting, with no search for the
 * boundary through its bytes; one that does not is cut at the next delimiter. Runs anywhere: the
 * body is any async source of byte chunks (a `ReadableStream` reader in the browser), or, better,
 * a `ByteSource` that reads into buffers it is given (a stream's BYOB reader).
 */

export interface MultipartPart {
  /** header names in lower case */
  headers: Map<string, string>;
  /**
   * The part's bytes: from a `ByteSource`, a part that says its length is read into a buffer of
   * its own; otherwise a view of one received chunk when it lies in one, else a copy.
   */
  body: Uint8Array<ArrayBuffer>;
}

/**
 * A body read into buffers the reader provides (`ReadableStreamBYOBReader`): a part that says its
 * length is read straight into a buffer of its own, where chunks would each be copied into one.
 */
export interface ByteSource {
  /**
   * Reads at least one byte into `into`, or null at the end. The source may take `into`'s
   * buffer (a BYOB read transfers it): the bytes come back in the view it returns, over the
   * buffer that replaces it.
   */
  readInto(into: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | null>;
}

/** How much a `ByteSource` is asked for at a time between parts (boundaries, headers). */
const READ_BYTES = 64 * 1024;
/**
 * A part that says it is longer is not given a buffer of that size before its bytes come: a
 * length is only what the server says (a lie could ask for any amount of memory).
 */
const MAX_PART_BUFFER = 64 * 1024 * 1024;

export class MultipartError extends Error {}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | null): string | undefined {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

const CR = 0x0d;
const LF = 0x0a;
const HYPHEN = 0x2d;
/** part headers longer than this are not a DICOMweb response */
const MAX_HEADER_BYTES = 16 * 1024;

/** Bytes received and not yet consumed, kept as the chunks they came in. */
class Pending {
  private chunks: Uint8Array<ArrayBuffer>[] = [];
  length = 0;

  push(chunk: Uint8Array<ArrayBuffer>): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes, taken off (a view when they lie in the first chunk). */
  take(n: number): Uint8Array<ArrayBuffer> {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = new Uint8Array(n);
    this.takeInto(out);
    return out;
  }

  /** Takes up to `out.length` bytes into `out`; how many. */
  takeInto(out: Uint8Array): number {
    let at = 0;
    while (at < out.length && this.chunks.length) {
      const c = this.chunks[0]!;
      const k = Math.min(c.length, out.length - at);
      out.set(c.subarray(0, k), at);
      at += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.length -= at;
    return at;
  }

  /** The first `n` bytes without taking them (a copy when they span chunks). */
  peek(n: number): Uint8Array<ArrayBuffer> {
    const first = this.chunks[0];
    if (first && first.length >= n) return first.subarray(0, n);
    const joined = this.take(Math.min(n, this.length));
    this.chunks.unshift(joined);
    this.length += joined.length;
    return joined;
  }

  /** Where `needle` starts in what is pending, searching from `from`; -1 when not (yet) there. */
  indexOf(needle: Uint8Array, from = 0): number {
    if (this.chunks.length > 1) {
      const joined = this.take(this.length);
      this.chunks = [joined];
      this.length = joined.length;
    }
    const hay = this.chunks[0];
    if (!hay) return -1;
    for (let i = hay.indexOf(needle[0]!, from); i >= 0; i = hay.indexOf(needle[0]!, i + 1)) {
      if (i + needle.length > hay.length) return -1;
      let j = 1;
      while (j < needle.length && hay[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function parseHeaders(bytes: Uint8Array): Map<string, string> {
  const headers = new Map<string, string>();
  const text = new TextDecoder('latin1').decode(bytes);
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function isByteSource(
  body: AsyncIterable<Uint8Array<ArrayBuffer>> | ByteSource,
): body is ByteSource {
  return 'readInto' in body;
}

/**
 * Yields the parts of a multipart body read from `body`. Throws `MultipartError` when the body
 * is not well-formed or ends before its closing delimiter (a cut-off response): every part
 * yielded before that is whole.
 */
export async function* readMultipart(
  body: AsyncIterable<Uint8Array<ArrayBuffer>> | ByteSource,
  boundary: string,
): AsyncGenerator<MultipartPart> {
  const dashBoundary = ascii(`--${boundary}`);
  const delimiter = ascii(`\r\n--${boundary}`);
  const headerEnd = ascii('\r\n\r\n');
  const pending = new Pending();
  const byteSource = isByteSource(body) ? body : undefined;
  const chunks = isByteSource(body) ? undefined : body[Symbol.asyncIterator]();
  let ended = false;
  /** the next bytes, in a buffer of their own; null at the end */
  const read = async (into?: Uint8Array<ArrayBuffer>) => {
    if (ended) return null;
    let got: Uint8Array<ArrayBuffer> | null;
    if (byteSource) {
      got = await byteSource.readInto(into ?? new Uint8Array(READ_BYTES));
    } else {
      const next = await chunks!.next();
      got = next.done ? null : next.value;
    }
    if (got === null) ended = true;
    return got;
  };
  const more = async (): Promise<boolean> => {
    const got = await read();
    if (got) pending.push(got);
    return got !== null;
  };
  const need = async (n: number) => {
    while (pending.length < n) {
      if (!(await more())) throw new MultipartError('the response ended in the middle of a part');
    }
  };
  /** A part of `n` bytes read into a buffer of its own: what is pending, then straight from the source. */
  const readPart = async (n: number) => {
    let part = new Uint8Array(n);
    let filled = pending.takeInto(part);
    while (filled < n) {
      const got = await read(part.subarray(filled));
      if (!got) throw new MultipartError('the response ended in the middle of a part');
      part = new Uint8Array(got.buffer, 0, n);
      filled += got.length;
    }
    return part;
  };

  // preamble, then the first boundary line
  for (;;) {
    const at = pending.indexOf(dashBoundary);
    if (at >= 0) {
      pending.take(at + dashBoundary.length);
      break;
    }
    if (pending.length > MAX_HEADER_BYTES) throw new MultipartError('no multipart boundary');
    if (!(await more())) throw new MultipartError('the response has no parts');
  }
  for (;;) {
    // after a boundary: "--" closes the body, CRLF starts a part (transport padding allowed)
    await need(2);
    const after = pending.peek(2);
    if (after[0] === HYPHEN && after[1] === HYPHEN) return;
    let line = pending.indexOf(ascii('\r\n'));
    while (line < 0) {
      if (pending.length > 256) throw new MultipartError('a boundary line is malformed');
      if (!(await more())) throw new MultipartError('the response ended after a boundary');
      line = pending.indexOf(ascii('\r\n'));
    }
    pending.take(line + 2);
    // headers up to the blank line (none at all: the blank line at once)
    let headers: Map<string, string>;
    await need(2);
    const blank = pending.peek(2);
    if (blank[0] === CR && blank[1] === LF) {
      pending.take(2);
      headers = new Map();
    } else {
      let end = pending.indexOf(headerEnd);
      while (end < 0) {
        if (pending.length > MAX_HEADER_BYTES) throw new MultipartError('part headers too long');
        if (!(await more())) throw new MultipartError('the response ended in part headers');
        end = pending.indexOf(headerEnd);
      }
      headers = parseHeaders(pending.take(end));
      pending.take(headerEnd.length);
    }
    const declared = headers.get('content-length');
    let bytes: Uint8Array<ArrayBuffer>;
    if (declared !== undefined && /^\d{1,12}$/.test(declared)) {
      const n = Number(declared);
      if (byteSource && n > pending.length && n <= MAX_PART_BUFFER) {
        bytes = await readPart(n);
        await need(delimiter.length);
      } else {
        await need(n + delimiter.length);
        bytes = pending.take(n);
      }
      const next = pending.peek(delimiter.length);
      if (!delimiter.every((b, i) => next[i] === b)) {
        throw new MultipartError('a part is longer than its Content-Length says');
      }
    } else {
      let at = pending.indexOf(delimiter);
      while (at < 0) {
        // search again only from where a delimiter could now end
        const from = Math.max(0, pending.length - delimiter.length + 1);
        if (!(await more())) throw new MultipartError('the response ended in the middle of a part');
        at = pending.indexOf(delimiter, from);
      }
      bytes = pending.take(at);
    }
    pending.take(delimiter.length);
    yield { headers, body: bytes };
  }
}
