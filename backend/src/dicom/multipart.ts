import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { httpError } from '../http/api-errors.ts';
import type { BodyPiece } from '../http/file-body.ts';

/**
 * multipart/related (RFC 2387) as DICOMweb uses it: written as a stream straight from files, and
 * read as a stream straight into files, so neither side holds a study in memory.
 */
export interface MultipartFilePart {
  contentType: string;
  path: string;
  /** written as the part's Content-Length when known (a reader can then skip boundary scans) */
  size?: number;
  /** written as the part's Content-Location */
  location?: string;
}

/** The delimiter line and headers in front of a part's bytes. */
function partHead(part: Omit<MultipartFilePart, 'path'>, boundary: string): string {
  let head = `--${boundary}\r\nContent-Type: ${part.contentType}\r\n`;
  if (part.size !== undefined) head += `Content-Length: ${part.size}\r\n`;
  if (part.location !== undefined) head += `Content-Location: ${part.location}\r\n`;
  return `${head}\r\n`;
}

/**
 * Streams parts whose bytes come from anywhere (an upstream response, a buffer) as one multipart
 * body; the next part is produced only when needed.
 */
export function multipartFromParts(
  parts: AsyncIterable<Omit<MultipartFilePart, 'path'> & { body: AsyncIterable<Buffer> }>,
  boundary: string,
): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    for await (const part of parts) {
      yield Buffer.from(partHead(part, boundary), 'latin1');
      for await (const chunk of part.body) yield chunk;
      yield Buffer.from('\r\n', 'latin1');
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'latin1');
  }
  return Readable.from(generate(), { objectMode: false });
}

export function newBoundary(): string {
  return `tandem-${randomBytes(12).toString('hex')}`;
}

export function multipartContentType(boundary: string, type: string): string {
  return `multipart/related; type="${type}"; boundary=${boundary}`;
}

/**
 * The parts' files as one multipart body for an answer (`writeFileBody`): each part's head, its
 * file, the line after it, then the closing delimiter. The next file is opened only when needed.
 */
export async function* multipartPieces(
  parts: Iterable<MultipartFilePart> | AsyncIterable<MultipartFilePart>,
  boundary: string,
): AsyncGenerator<BodyPiece> {
  for await (const part of parts) {
    yield Buffer.from(partHead(part, boundary), 'latin1');
    yield { path: part.path };
    yield Buffer.from('\r\n', 'latin1');
  }
  yield Buffer.from(`--${boundary}--\r\n`, 'latin1');
}

/**
 * Streams the parts' files as one multipart body (a request to a PACS); the next file is opened
 * only when needed.
 */
export function multipartFromFiles(
  parts: Iterable<MultipartFilePart> | AsyncIterable<MultipartFilePart>,
  boundary: string,
): Readable {
  async function* generate(): AsyncGenerator<Buffer> {
    for await (const piece of multipartPieces(parts, boundary)) {
      if (Buffer.isBuffer(piece)) {
        yield piece;
        continue;
      }
      for await (const chunk of createReadStream(piece.path, { highWaterMark: 256 * 1024 })) {
        yield chunk as Buffer;
      }
    }
  }
  return Readable.from(generate(), { objectMode: false });
}

/** Exact byte length of `multipartFromFiles` for parts of known sizes. */
export function multipartLength(
  parts: Array<{ contentType: string; size: number }>,
  boundary: string,
): number {
  let total = 0;
  for (const part of parts) {
    total += Buffer.byteLength(partHead(part, boundary), 'latin1');
    total += part.size + 2;
  }
  return total + Buffer.byteLength(`--${boundary}--\r\n`, 'latin1');
}

export interface ContentTypeInfo {
  mediaType: string;
  params: Record<string, string>;
}

export function parseContentType(header: string | undefined): ContentTypeInfo {
  const text = header ?? '';
  const [type = '', ...rest] = splitParams(text);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, eq).trim().toLowerCase()] = value;
  }
  return { mediaType: type.trim().toLowerCase(), params };
}

/** Splits on semicolons outside quotes. */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

export interface ReceivedPart {
  contentType: string;
  path: string;
  size: number;
}

export interface MultipartLimits {
  maxParts: number;
  maxBytes: number;
}

/**
 * Reads a multipart body into one file per part under `dir`. Throws a 400 for a body that is not
 * well-formed multipart; the caller removes the files.
 */
export async function readMultipartToFiles(
  body: AsyncIterable<Buffer>,
  boundary: string,
  dir: string,
  limits: MultipartLimits,
  received: ReceivedPart[] = [],
): Promise<ReceivedPart[]> {
  if (!/^[ -~]{1,70}$/.test(boundary))
    throw malformed('the boundary parameter is missing or invalid');
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const headerEnd = Buffer.from('\r\n\r\n', 'latin1');
  const crlf = Buffer.from('\r\n', 'latin1');
  type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done';
  let state: State = 'preamble';
  // A virtual CRLF in front lets the first boundary match the same delimiter as the others.
  let buf: Buffer = Buffer.from('\r\n', 'latin1');
  let file: FileHandle | null = null;
  let current: ReceivedPart | null = null;
  let total = 0;

  const startPart = async (headers: string) => {
    if (received.length >= limits.maxParts)
      throw httpError(
        413,
        'too-many-parts',
        `A request may carry at most ${limits.maxParts} instances.`,
      );
    let contentType = '';
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === 'content-type') {
        contentType = line.slice(colon + 1).trim();
      }
    }
    const partPath = path.join(dir, `part-${received.length}-${randomBytes(6).toString('hex')}`);
    file = await open(partPath, 'w');
    current = { contentType, path: partPath, size: 0 };
    received.push(current);
  };
  const write = async (bytes: Buffer) => {
    if (bytes.length === 0 || !file || !current) return;
    await file.write(bytes);
    current.size += bytes.length;
  };
  const endPart = async () => {
    if (file) await file.close();
    file = null;
    current = null;
  };

  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (total > limits.maxBytes)
        throw httpError(413, 'body-too-large', 'The request body is too large.');
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        if (state === 'preamble' || state === 'body') {
          const at = buf.indexOf(delimiter);
          if (at < 0) {
            const keep = Math.min(buf.length, delimiter.length - 1);
            if (state === 'body') await write(buf.subarray(0, buf.length - keep));
            buf = buf.subarray(buf.length - keep);
            break;
          }
          if (state === 'body') {
            await write(buf.subarray(0, at));
            await endPart();
          }
          buf = buf.subarray(at + delimiter.length);
          state = 'after-delimiter';
        } else if (state === 'after-delimiter') {
          const at = buf.indexOf(crlf);
          const head = buf.subarray(0, at < 0 ? buf.length : at).toString('latin1');
          if (head.startsWith('--')) {
            state = 'done';
            buf = Buffer.alloc(0);
            break;
          }
          if (at < 0) {
            if (buf.length > 256) throw malformed('a boundary line is malformed');
            break;
          }
          if (head.trim() !== '') throw malformed('a boundary line is malformed');
          buf = buf.subarray(at + crlf.length);
          state = 'headers';
        } else if (state === 'headers') {
          // A part without headers starts with the blank line at once.
          if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
            buf = buf.subarray(2);
            await startPart('');
            state = 'body';
            continue;
          }
          const at = buf.indexOf(headerEnd);
          if (at < 0) {
            if (buf.length > 16 * 1024) throw malformed('the headers of a part are too long');
            break;
          }
          await startPart(buf.subarray(0, at).toString('latin1'));
          buf = buf.subarray(at + headerEnd.length);
          state = 'body';
        } else {
          buf = Buffer.alloc(0);
          break;
        }
      }
    }
  } finally {
    await endPart();
  }
  if (state !== 'done') {
    throw malformed(
      state === 'preamble'
        ? 'no part with the given boundary was found'
        : 'the body ended before its closing boundary',
    );
  }
  return received;
}

function malformed(detail: string) {
  return httpError(
    400,
    'malformed-multipart',
    `The multipart request body is malformed: ${detail}.`,
  );
}
