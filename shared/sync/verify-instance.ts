import dicomParser from 'dicom-parser';
import type { DataSet } from 'dicom-parser';

/**
 * Verifies a received Part-10 file before it is stored: it parses as DICOM Part-10 (the header up
 * to the pixel data), carries the SOP Instance UID that was asked for, has the expected size when
 * one is known, and its pixel data is complete (defined length within the file, or encapsulated
 * fragments ending with a sequence delimiter). Given a Blob, only the header (read in growing
 * prefixes until the pixel data element is reached) and a few bytes around the pixel data
 * fragments are read into JavaScript; the pixel data itself stays in the Blob. Given bytes already
 * in memory (a download that is sealed at rest anyway), nothing is copied.
 */

export interface VerifyExpectation {
  sopInstanceUid: string;
  /** bytes expected (Content-Length, or the size the server listed), when known */
  size?: number | undefined;
}

export interface VerifiedHeader {
  transferSyntaxUid: string;
  sopClassUid?: string | undefined;
  instanceNumber?: number | undefined;
  numberOfFrames?: number | undefined;
  rows?: number | undefined;
  columns?: number | undefined;
  /**
   * The file's bytes before its Pixel Data element (preamble, file meta, every header element),
   * as the verifier read them (a view, not a copy): the part a header read needs. Absent when the
   * file cannot be cut there (deflated, no pixels).
   */
  header?: Uint8Array<ArrayBuffer> | undefined;
}

export type VerifyResult =
  | ({ ok: true } & VerifiedHeader)
  | { ok: false; code: 'corrupt' | 'wrong-instance' | 'incomplete'; reason: string };

/** A Part-10 file as a Blob (bytes kept out of JavaScript) or as bytes already in memory. */
export type InstanceBody = Blob | Uint8Array<ArrayBuffer>;

export type InstanceVerifier = (
  body: InstanceBody,
  expected: VerifyExpectation,
) => Promise<VerifyResult>;

/** The Pixel Data element's tag, as dicom-parser names it. */
export const PIXEL_DATA = 'x7fe00010';
const DEFLATED = '1.2.840.10008.1.2.1.99';
/**
 * The first prefix read of a Blob: the header of a CT or MR image is a few KB. A prefix that ends
 * before the pixel data element is read again four times as long, up to the whole file.
 */
export const HEAD_BYTES = 32 * 1024;
const HEAD_GROWTH = 4;
/** Encapsulated pixel data with more fragments than this is checked by reading it whole. */
const MAX_FRAGMENT_READS = 4096;

/**
 * The file's bytes, read front to back as far as the checks need: views of bytes in memory, or
 * the start of a Blob read through one stream. Reads go forward (the header, then the items of
 * encapsulated pixel data), so a Blob is never sliced: in Chromium every `Blob.slice` of a
 * downloaded body is a round trip to the browser process, and the sync worker spent more time
 * slicing than anything else (three to four slices per file).
 */
interface Source {
  size: number;
  read(start: number, end: number): Promise<Uint8Array<ArrayBuffer>>;
  blob(): Blob;
  /** the checks are done: stop reading */
  close(): void;
}

function sourceOf(body: InstanceBody): Source {
  if (body instanceof Uint8Array) {
    return {
      size: body.byteLength,
      read: (start, end) => Promise.resolve(body.subarray(start, end)),
      blob: () => new Blob([body]),
      close: () => {},
    };
  }
  return streamedSource(body);
}

function streamedSource(blob: Blob): Source {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let read: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  let ended = false;
  const fill = async (end: number) => {
    reader ??= blob.stream().getReader();
    const chunks: Uint8Array[] = [read];
    let length = read.length;
    while (length < end && !ended) {
      const next = await reader.read();
      if (next.done) ended = true;
      else {
        chunks.push(next.value);
        length += next.value.length;
      }
    }
    if (chunks.length === 1) return;
    const joined = new Uint8Array(length);
    let at = 0;
    for (const c of chunks) {
      joined.set(c, at);
      at += c.length;
    }
    read = joined;
  };
  return {
    size: blob.size,
    async read(start, end) {
      if (read.length < end) await fill(end);
      return read.subarray(start, Math.min(end, read.length));
    },
    blob: () => blob,
    close() {
      reader?.cancel().catch(() => {});
    },
  };
}

/** The next, longer prefix to read: the whole file when the growth would leave little out. */
function nextPrefix(current: number, size: number): number {
  const next = current * HEAD_GROWTH;
  return next * 2 > size ? size : next;
}

function clean(value: string | undefined): string | undefined {
  const v = value?.replace(/[\0 ]+$/, '').trim();
  return v ? v : undefined;
}

function failure(code: 'corrupt' | 'wrong-instance' | 'incomplete', reason: string): VerifyResult {
  return { ok: false, code, reason };
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return 'unreadable header';
}

export const verifyPart10: InstanceVerifier = async (body, expected) => {
  const src = sourceOf(body);
  try {
    return await verifyUnguarded(src, expected);
  } catch (err) {
    // dicom-parser also throws (strings) when reading an element whose length runs past the end.
    return failure('corrupt', `damaged header: ${describe(err)}`);
  } finally {
    src.close();
  }
};

async function verifyUnguarded(src: Source, expected: VerifyExpectation): Promise<VerifyResult> {
  const size = src.size;
  if (expected.size !== undefined && size !== expected.size) {
    return failure(
      'incomplete',
      `the file is ${size < expected.size ? 'incomplete' : 'larger than announced'} (${size} of ${expected.size} bytes)`,
    );
  }
  if (size < 132) return failure('corrupt', 'the file is too short to be DICOM');
  let head = await src.read(0, Math.min(size, HEAD_BYTES));
  if (String.fromCharCode(head[128]!, head[129]!, head[130]!, head[131]!) !== 'DICM') {
    return failure('corrupt', 'the file is not DICOM Part-10 (no DICM prefix)');
  }

  const readMeta = (bytes: Uint8Array): DataSet | Error => {
    try {
      return dicomParser.readPart10Header(bytes);
    } catch (err) {
      return new Error(describe(err));
    }
  };
  let meta = readMeta(head);
  while (meta instanceof Error && head.length < size) {
    head = await src.read(0, nextPrefix(head.length, size));
    meta = readMeta(head);
  }
  if (meta instanceof Error) return failure('corrupt', `damaged file meta header: ${meta.message}`);
  const transferSyntaxUid = clean(meta.string('x00020010'));
  if (!transferSyntaxUid)
    return failure('corrupt', 'the file meta header names no transfer syntax');
  const metaSop = clean(meta.string('x00020003'));
  if (metaSop !== undefined && metaSop !== expected.sopInstanceUid) {
    return failure('wrong-instance', 'the server sent a different image than the one asked for');
  }
  if (transferSyntaxUid === DEFLATED)
    return verifyDeflated(src.blob(), meta, expected, transferSyntaxUid);

  const parse = (bytes: Uint8Array): DataSet | Error => {
    try {
      return dicomParser.parseDicom(bytes, { untilTag: PIXEL_DATA });
    } catch (err) {
      return new Error(describe(err));
    }
  };
  let dataSet = parse(head);
  // A prefix may end inside the header, or on an element boundary before the pixel data: only a
  // parse that reached the pixel data element, or one of the whole file, is taken.
  while (head.length < size && (dataSet instanceof Error || !dataSet.elements[PIXEL_DATA])) {
    head = await src.read(0, nextPrefix(head.length, size));
    dataSet = parse(head);
  }
  if (dataSet instanceof Error) return failure('corrupt', `damaged header: ${dataSet.message}`);

  const sop = clean(dataSet.string('x00080018')) ?? metaSop;
  if (sop === undefined) return failure('corrupt', 'the file has no SOP Instance UID');
  if (sop !== expected.sopInstanceUid) {
    return failure('wrong-instance', 'the server sent a different image than the one asked for');
  }

  const pixelData = dataSet.elements[PIXEL_DATA];
  if (pixelData) {
    const walked = pixelData.hadUndefinedLength
      ? await checkFragments(src, pixelData.dataOffset)
      : undefined;
    const problem =
      typeof walked === 'string'
        ? walked
        : !pixelData.hadUndefinedLength && pixelData.dataOffset + pixelData.length > size
          ? `the pixel data is cut short (${size - pixelData.dataOffset} of ${pixelData.length} bytes)`
          : undefined;
    if (problem) return failure('incomplete', problem);
    const claims = geometryProblem(
      {
        frames: dataSet.intString('x00280008') ?? 1,
        rows: dataSet.uint16('x00280010'),
        columns: dataSet.uint16('x00280011'),
        samplesPerPixel: dataSet.uint16('x00280002') ?? 1,
        bitsAllocated: dataSet.uint16('x00280100'),
        photometric: clean(dataSet.string('x00280004')),
      },
      typeof walked === 'number'
        ? { encapsulated: true, fragments: walked }
        : { encapsulated: false, length: pixelData.length },
    );
    if (claims) return failure('corrupt', claims);
  } else if (
    !dataSet.elements['x7fe00008'] &&
    !dataSet.elements['x7fe00009'] &&
    (dataSet.elements['x00280010'] ||
      isImageClass(clean(dataSet.string('x00080016')) ?? clean(meta.string('x00020002'))))
  ) {
    // An image whose file ends before its pixel data: cut on an element boundary.
    return failure('incomplete', 'the image has no pixel data (the file may have been cut short)');
  }

  return {
    ok: true,
    transferSyntaxUid,
    sopClassUid: clean(dataSet.string('x00080016')) ?? clean(meta.string('x00020002')),
    instanceNumber: dataSet.intString('x00200013'),
    numberOfFrames: dataSet.intString('x00280008'),
    rows: dataSet.uint16('x00280010'),
    columns: dataSet.uint16('x00280011'),
    header: pixelData ? headerBeforePixels(head, pixelData.dataOffset) : undefined,
  };
}

/**
 * The file's bytes before its Pixel Data element (a view of `bytes`), given where that element's
 * value starts; undefined when the element is not found there.
 */
export function headerBeforePixels(
  bytes: Uint8Array<ArrayBuffer>,
  dataOffset: number,
): Uint8Array<ArrayBuffer> | undefined {
  const at = pixelDataStart(bytes, dataOffset);
  return at === undefined ? undefined : bytes.subarray(0, at);
}

/** (7FE0,0010) as it is written in little- and in big-endian files */
const PIXEL_DATA_TAGS = [
  [0xe0, 0x7f, 0x10, 0x00],
  [0x7f, 0xe0, 0x00, 0x10],
] as const;

/**
 * Where the Pixel Data element whose value starts at `dataOffset` begins: its tag, VR and length
 * come first, 12 bytes with an explicit VR, 8 with an implicit one. Undefined when neither is
 * found there.
 */
function pixelDataStart(bytes: Uint8Array, dataOffset: number): number | undefined {
  for (const lead of [12, 8]) {
    const at = dataOffset - lead;
    if (at < 0 || dataOffset > bytes.length) continue;
    if (PIXEL_DATA_TAGS.some((tag) => tag.every((b, i) => bytes[at + i] === b))) return at;
  }
  return undefined;
}

/**
 * Storage SOP classes of images, which always carry pixel data: CR, DX, MG, IO (1.x), CT (2.x),
 * US (3.1, 6.x), MR (4.x), SC (7.x), XA/RF (12.x), NM (20), PET (128, 130), RT image and dose.
 */
const IMAGE_CLASS =
  /^1\.2\.840\.10008\.5\.1\.4\.1\.1\.(1(\.\d+)*|2(\.\d+)?|3\.1|4(\.\d+)*|6(\.\d+)*|7(\.\d+)*|12(\.\d+)*|20|128(\.\d+)?|130|481\.[12])$/;

function isImageClass(sopClassUid: string | undefined): boolean {
  return sopClassUid !== undefined && IMAGE_CLASS.test(sopClassUid);
}

/**
 * Walks the items of encapsulated pixel data up to the sequence delimiter: the number of items
 * (the offset table first, then the fragments), or the problem.
 */
async function checkFragments(src: Source, start: number): Promise<number | string> {
  const size = src.size;
  let pos = start;
  let items = 0;
  for (let reads = 0; reads < MAX_FRAGMENT_READS; reads++) {
    if (pos + 8 > size) return 'the compressed pixel data is cut short';
    const b = await src.read(pos, pos + 8);
    const view = new DataView(b.buffer, b.byteOffset, 8);
    const group = view.getUint16(0, true);
    const element = view.getUint16(2, true);
    const length = view.getUint32(4, true);
    if (group !== 0xfffe) return 'the compressed pixel data is damaged';
    if (element === 0xe0dd) return items;
    if (element !== 0xe000 || length === 0xffffffff) return 'the compressed pixel data is damaged';
    pos += 8 + length;
    items++;
  }
  // Very many fragments: one read of the rest is cheaper than thousands of small ones.
  const rest = await src.read(pos, size);
  const view = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
  let p = 0;
  while (p + 8 <= rest.length) {
    const group = view.getUint16(p, true);
    const element = view.getUint16(p + 2, true);
    const length = view.getUint32(p + 4, true);
    if (group !== 0xfffe) return 'the compressed pixel data is damaged';
    if (element === 0xe0dd) return items;
    if (element !== 0xe000 || length === 0xffffffff) return 'the compressed pixel data is damaged';
    p += 8 + length;
    items++;
  }
  return 'the compressed pixel data is cut short';
}

/** What the image header says its pixel data holds, as far as it says. */
interface Geometry {
  frames: number;
  rows?: number | undefined;
  columns?: number | undefined;
  samplesPerPixel: number;
  bitsAllocated?: number | undefined;
  photometric?: string | undefined;
}

/**
 * Whether the pixel data can hold what the header claims: uncompressed, every frame's bytes
 * (rows × columns × samples × bits allocated); compressed, at least one fragment a frame. A
 * header claiming a billion frames or a 65535² image over a few bytes would otherwise reach the
 * viewer, which makes an image per claimed frame and sizes buffers from the header.
 */
function geometryProblem(
  geometry: Geometry,
  pixelData: { encapsulated: false; length: number } | { encapsulated: true; fragments: number },
): string | undefined {
  const { frames, rows, columns, samplesPerPixel, bitsAllocated, photometric } = geometry;
  if (!Number.isInteger(frames) || frames < 1) return `the image claims ${frames} frames`;
  if (pixelData.encapsulated) {
    // the first item is the (possibly empty) offset table
    const fragments = Math.max(0, pixelData.fragments - 1);
    return frames > fragments
      ? `the image claims ${frames} frames but its compressed pixel data has ${fragments} fragments`
      : undefined;
  }
  if (rows === undefined || columns === undefined || bitsAllocated === undefined) return undefined;
  if (rows === 0 || columns === 0) return `the image claims ${rows} × ${columns} pixels`;
  // 4:2:2 colour keeps two samples a pixel, not three
  const samples = photometric?.endsWith('_422') ? Math.min(samplesPerPixel, 2) : samplesPerPixel;
  const needed = Math.ceil((frames * rows * columns * samples * bitsAllocated) / 8);
  return needed > pixelData.length
    ? `the pixel data holds ${pixelData.length} bytes but the header claims ${frames} frame(s) of ${columns} × ${rows} pixels at ${bitsAllocated} bits (${needed} bytes)`
    : undefined;
}

/**
 * Deflated explicit VR little endian: the data set is a raw deflate stream after the meta header.
 * It must inflate completely; the SOP Instance UID is checked in the meta header.
 */
async function verifyDeflated(
  blob: Blob,
  meta: DataSet,
  expected: VerifyExpectation,
  transferSyntaxUid: string,
): Promise<VerifyResult> {
  const metaSop = clean(meta.string('x00020003'));
  if (metaSop === undefined) return failure('corrupt', 'the file has no SOP Instance UID');
  if (metaSop !== expected.sopInstanceUid) {
    return failure('wrong-instance', 'the server sent a different image than the one asked for');
  }
  const groupLength = meta.uint32('x00020000');
  const metaElement = meta.elements['x00020000'];
  if (groupLength === undefined || !metaElement) {
    return failure('corrupt', 'the file meta header has no group length');
  }
  const dataStart = metaElement.dataOffset + metaElement.length + groupLength;
  try {
    const stream = blob
      .slice(dataStart)
      .stream()
      .pipeThrough(new DecompressionStream('deflate-raw'));
    const reader = stream.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  } catch {
    return failure('incomplete', 'the compressed data set is cut short or damaged');
  }
  return { ok: true, transferSyntaxUid, sopClassUid: clean(meta.string('x00020002')) };
}
