import { LONG_VRS } from './dicom-bytes.ts';

/**
 * Builds small but valid DICOM Part-10 files by hand, for tests of the verifier and the engine:
 * preamble, "DICM", a file meta group (explicit VR little endian) and an image data set in the
 * chosen transfer syntax, with native or encapsulated pixel data.
 */

export const TransferSyntax = {
  implicitLittleEndian: '1.2.840.10008.1.2',
  explicitLittleEndian: '1.2.840.10008.1.2.1',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
} as const;

export const DEFLATED_EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface Part10Options {
  sopInstanceUid: string;
  studyInstanceUid?: string;
  seriesInstanceUid?: string;
  sopClassUid?: string;
  instanceNumber?: number;
  rows?: number;
  columns?: number;
  transferSyntaxUid?: string;
  /** for encapsulated syntaxes: the fragments (default: one fragment of filler bytes) */
  fragments?: Uint8Array[];
  /** bytes of a private element placed in the header, to make the header large */
  headerPaddingBytes?: number;
  /** Number of Frames to claim (absent: the element is left out) */
  numberOfFrames?: number;
  /** bytes of native pixel data (default: what rows × columns at 16 bits need) */
  pixelBytes?: number;
}

type Element = {
  group: number;
  element: number;
  vr: string;
  value: Uint8Array;
  undefinedLength?: boolean;
};

function text(value: string, vr: string): Uint8Array {
  const pad = vr === 'UI' ? 0 : 0x20;
  const bytes = new TextEncoder().encode(value);
  const out = new Uint8Array(bytes.length + (bytes.length % 2));
  out.set(bytes);
  if (bytes.length % 2) out[bytes.length] = pad;
  return out;
}

function us(value: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, true);
  return out;
}

function ul(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function tag(group: number, element: number): Uint8Array {
  return concat([us(group), us(element)]);
}

function explicit(e: Element): Uint8Array {
  const length = e.undefinedLength ? 0xffffffff : e.value.length;
  const head = LONG_VRS.has(e.vr)
    ? concat([
        tag(e.group, e.element),
        new TextEncoder().encode(e.vr),
        new Uint8Array(2),
        ul(length),
      ])
    : concat([tag(e.group, e.element), new TextEncoder().encode(e.vr), us(length)]);
  return concat([head, e.value]);
}

function implicit(e: Element): Uint8Array {
  const length = e.undefinedLength ? 0xffffffff : e.value.length;
  return concat([tag(e.group, e.element), ul(length), e.value]);
}

function encapsulate(fragments: readonly Uint8Array[]): Uint8Array {
  const items: Uint8Array[] = [concat([tag(0xfffe, 0xe000), ul(0)])]; // empty basic offset table
  for (const f of fragments) {
    const even = f.length % 2 ? concat([f, new Uint8Array(1)]) : f;
    items.push(concat([tag(0xfffe, 0xe000), ul(even.length), even]));
  }
  items.push(concat([tag(0xfffe, 0xe0dd), ul(0)]));
  return concat(items);
}

/** A complete Part-10 file. */
export function buildPart10(opts: Part10Options): Uint8Array {
  const { head, dataSet } = buildParts(opts);
  return concat([head, dataSet]);
}

/** A Part-10 file in deflated explicit VR little endian: the data set as a raw deflate stream. */
export async function buildDeflatedPart10(
  opts: Omit<Part10Options, 'transferSyntaxUid'>,
): Promise<Uint8Array> {
  const { head, dataSet } = buildParts({
    ...opts,
    transferSyntaxUid: DEFLATED_EXPLICIT_LITTLE_ENDIAN,
  });
  const stream = new Blob([dataSet as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate-raw'));
  const deflated = new Uint8Array(await new Response(stream).arrayBuffer());
  return concat([head, deflated]);
}

function buildParts(opts: Part10Options): { head: Uint8Array; dataSet: Uint8Array } {
  const ts = opts.transferSyntaxUid ?? TransferSyntax.explicitLittleEndian;
  const rows = opts.rows ?? 4;
  const columns = opts.columns ?? 4;
  const sopClass = opts.sopClassUid ?? CT_IMAGE_STORAGE;
  const encapsulated =
    ts !== TransferSyntax.implicitLittleEndian && ts !== TransferSyntax.explicitLittleEndian;

  const metaElements: Element[] = [
    { group: 2, element: 0x0001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { group: 2, element: 0x0002, vr: 'UI', value: text(sopClass, 'UI') },
    { group: 2, element: 0x0003, vr: 'UI', value: text(opts.sopInstanceUid, 'UI') },
    { group: 2, element: 0x0010, vr: 'UI', value: text(ts, 'UI') },
    { group: 2, element: 0x0012, vr: 'UI', value: text('1.2.826.0.1.3680043.10.999.1', 'UI') },
    { group: 2, element: 0x0013, vr: 'SH', value: text('TANDEM_TEST', 'SH') },
  ];
  const metaBody = concat(metaElements.map(explicit));
  const meta = concat([
    explicit({ group: 2, element: 0, vr: 'UL', value: ul(metaBody.length) }),
    metaBody,
  ]);

  const pixels = new Uint8Array(opts.pixelBytes ?? rows * columns * 2);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7) & 0xff;
  const dataElements: Element[] = [
    { group: 0x0008, element: 0x0016, vr: 'UI', value: text(sopClass, 'UI') },
    { group: 0x0008, element: 0x0018, vr: 'UI', value: text(opts.sopInstanceUid, 'UI') },
    { group: 0x0008, element: 0x0060, vr: 'CS', value: text('CT', 'CS') },
    ...(opts.headerPaddingBytes
      ? [
          { group: 0x0009, element: 0x0010, vr: 'LO', value: text('TANDEM TEST', 'LO') },
          {
            group: 0x0009,
            element: 0x1000,
            vr: 'OB',
            value: new Uint8Array(opts.headerPaddingBytes + (opts.headerPaddingBytes % 2)),
          },
        ]
      : []),
    {
      group: 0x0020,
      element: 0x000d,
      vr: 'UI',
      value: text(opts.studyInstanceUid ?? '1.2.3', 'UI'),
    },
    {
      group: 0x0020,
      element: 0x000e,
      vr: 'UI',
      value: text(opts.seriesInstanceUid ?? '1.2.3.4', 'UI'),
    },
    {
      group: 0x0020,
      element: 0x0013,
      vr: 'IS',
      value: text(String(opts.instanceNumber ?? 1), 'IS'),
    },
    { group: 0x0028, element: 0x0002, vr: 'US', value: us(1) },
    { group: 0x0028, element: 0x0004, vr: 'CS', value: text('MONOCHROME2', 'CS') },
    ...(opts.numberOfFrames !== undefined
      ? [
          {
            group: 0x0028,
            element: 0x0008,
            vr: 'IS',
            value: text(String(opts.numberOfFrames), 'IS'),
          },
        ]
      : []),
    { group: 0x0028, element: 0x0010, vr: 'US', value: us(rows) },
    { group: 0x0028, element: 0x0011, vr: 'US', value: us(columns) },
    { group: 0x0028, element: 0x0100, vr: 'US', value: us(16) },
    { group: 0x0028, element: 0x0101, vr: 'US', value: us(12) },
    { group: 0x0028, element: 0x0102, vr: 'US', value: us(11) },
    { group: 0x0028, element: 0x0103, vr: 'US', value: us(0) },
    encapsulated
      ? {
          group: 0x7fe0,
          element: 0x0010,
          vr: 'OB',
          value: encapsulate(opts.fragments ?? [pixels.slice(0, 9)]),
          undefinedLength: true,
        }
      : { group: 0x7fe0, element: 0x0010, vr: 'OW', value: pixels },
  ];
  const write = ts === TransferSyntax.implicitLittleEndian ? implicit : explicit;
  const dataSet = concat(dataElements.map(write));

  const preamble = new Uint8Array(128);
  return { head: concat([preamble, new TextEncoder().encode('DICM'), meta]), dataSet };
}

/** The same file as a Blob, which is what the backend port hands over. */
export function part10Blob(opts: Part10Options): Blob {
  return new Blob([buildPart10(opts) as Uint8Array<ArrayBuffer>], { type: 'application/dicom' });
}
