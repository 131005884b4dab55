import dicomParser from 'dicom-parser';
import { TandemError } from '../../api/errors.ts';
import { verifyPart10, type VerifyExpectation } from '../verify-instance.ts';
import { findTag, isUpper, lengthField, writeUint } from './dicom-bytes.ts';

/**
 * Seeded mutations of DICOM Part-10 files, for hostile-input tests of the verifier and the viewer's
 * decode path: truncations, bit flips, wrong element lengths, huge rows/columns, bad transfer
 * syntax UIDs, missing pixel data and nested-sequence bombs. Pure functions over bytes; the same
 * seed gives the same mutation, so a failure can be replayed.
 */

export const MUTATION_KINDS = [
  'truncate',
  'bit-flip',
  'wrong-length',
  'huge-dimensions',
  'bad-transfer-syntax',
  'missing-pixel-data',
  'sequence-bomb-deep',
  'sequence-bomb-wide',
] as const;

export type MutationKind = (typeof MUTATION_KINDS)[number];

export interface Mutation {
  kind: MutationKind;
  seed: number;
  bytes: Uint8Array;
}

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rnd: () => number, n: number) => Math.floor(rnd() * n);

/** Where the top-level pixel data element starts (its tag), when the file parses that far. */
function pixelDataElementStart(bytes: Uint8Array): number | undefined {
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
    const el = ds.elements['x7fe00010'];
    if (!el) return undefined;
    // The header before the value is 12 bytes for explicit VR OB/OW, 8 for implicit VR.
    const explicit = isUpper(bytes[el.dataOffset - 8]) && isUpper(bytes[el.dataOffset - 7]);
    return el.dataOffset - (explicit ? 12 : 8);
  } catch {
    return undefined;
  }
}

/** The SOP Instance UID a file says it carries, when it parses that far (else a placeholder). */
export function sopInstanceUidOf(bytes: Uint8Array): string {
  try {
    const ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
    return (
      (ds.string('x00080018') ?? ds.string('x00020003'))?.replace(/[\0 ]+$/, '') ?? UNKNOWN_SOP
    );
  } catch {
    return UNKNOWN_SOP;
  }
}

export const UNKNOWN_SOP = '1.2.3.4.5.unknown';

/** True when the data set (after the meta group) is implicit VR little endian, judged by its bytes. */
function looksImplicit(bytes: Uint8Array): boolean {
  const at = findTag(bytes, 0x0008, 0x0016)[0] ?? findTag(bytes, 0x0008, 0x0018)[0];
  return at !== undefined && !(isUpper(bytes[at + 4]) && isUpper(bytes[at + 5]));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const le16 = (v: number) => [v & 0xff, v >> 8];
const ITEM = [0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff];
const ITEM_END = [0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0];
const SEQ_END = [0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0];

/** A sequence element of undefined length (ContentSequence 0040,A730), explicit or implicit VR. */
function sequenceHeader(implicit: boolean): number[] {
  const tag = [...le16(0x0040), ...le16(0xa730)];
  return implicit
    ? [...tag, 0xff, 0xff, 0xff, 0xff]
    : [...tag, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff];
}

/** Inserts `insert` just before the pixel data element (or at the end when there is none). */
function insertBeforePixelData(bytes: Uint8Array, insert: Uint8Array): Uint8Array {
  const at = findTag(bytes, 0x7fe0, 0x0010).at(-1) ?? bytes.length;
  return concat(bytes.subarray(0, at), insert, bytes.subarray(at));
}

function deepBomb(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const depth = 200 + int(rnd, 5_000);
  const implicit = looksImplicit(bytes);
  const open = [...sequenceHeader(implicit), ...ITEM];
  const close = [...ITEM_END, ...SEQ_END];
  const out = new Uint8Array(depth * (open.length + close.length));
  for (let i = 0; i < depth; i++) out.set(open, i * open.length);
  const tail = depth * open.length;
  for (let i = 0; i < depth; i++) out.set(close, tail + i * close.length);
  // Sometimes leave the bomb unterminated: every closing delimiter missing.
  return insertBeforePixelData(bytes, rnd() < 0.3 ? out.subarray(0, tail) : out);
}

function wideBomb(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const items = 1000 + int(rnd, 20_000);
  const implicit = looksImplicit(bytes);
  const head = sequenceHeader(implicit);
  const item = [...ITEM, ...ITEM_END];
  const out = new Uint8Array(head.length + items * item.length + SEQ_END.length);
  out.set(head, 0);
  for (let i = 0; i < items; i++) out.set(item, head.length + i * item.length);
  out.set(SEQ_END, head.length + items * item.length);
  return insertBeforePixelData(bytes, out);
}

const ELEMENTS_TO_BREAK: Array<[number, number]> = [
  [0x0002, 0x0000],
  [0x0002, 0x0010],
  [0x0008, 0x0016],
  [0x0008, 0x0018],
  [0x0010, 0x0010],
  [0x0020, 0x000d],
  [0x0028, 0x0010],
  [0x0028, 0x0011],
  [0x0028, 0x0100],
  [0x7fe0, 0x0010],
];

const BAD_TRANSFER_SYNTAXES = [
  '1.2.3.4.5.6.7.8.9',
  '',
  '1.2.840.10008.1.2.4.999',
  '<script>alert(1)</script>',
  '1.2.840.10008.1.2.5\u0000\u0000\u0000junk',
  '9'.repeat(64),
];

/** One seeded mutation of `original` (which must be a Part-10 file for the structured kinds). */
export function mutate(original: Uint8Array, kind: MutationKind, seed: number): Mutation {
  const rnd = seededRandom(seed);
  let bytes: Uint8Array = original.slice();
  switch (kind) {
    case 'truncate': {
      // Anywhere, with a bias to the interesting first few hundred bytes.
      const cut = rnd() < 0.4 ? int(rnd, Math.min(bytes.length, 600)) : int(rnd, bytes.length);
      bytes = bytes.slice(0, cut);
      break;
    }
    case 'bit-flip': {
      const flips = 1 + int(rnd, 32);
      const headerBias = Math.min(bytes.length, 2048);
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        const at = rnd() < 0.7 ? int(rnd, headerBias) : int(rnd, bytes.length);
        bytes[at] = bytes[at]! ^ (1 << int(rnd, 8));
      }
      break;
    }
    case 'wrong-length': {
      const [g, e] = ELEMENTS_TO_BREAK[int(rnd, ELEMENTS_TO_BREAK.length)]!;
      const found = findTag(bytes, g, e, g === 0x0002 ? 128 : 132);
      const pos = found[int(rnd, Math.max(1, found.length))];
      const choices = [
        0,
        1,
        3,
        0xffff,
        0xfffe,
        0x7fffffff,
        0xffffffff,
        bytes.length * 2,
        int(rnd, 1 << 20),
      ];
      if (pos !== undefined) {
        const field = lengthField(bytes, pos);
        writeUint(bytes, field.at, field.width, choices[int(rnd, choices.length)]!);
      } else {
        // No such element: break the first element of the data set instead.
        const field = lengthField(bytes, 132);
        writeUint(bytes, field.at, field.width, 0xfffffff0);
      }
      break;
    }
    case 'huge-dimensions': {
      const values = [0xffff, 0xfffe, 0x8000, 0, 1];
      for (const [g, e] of [
        [0x0028, 0x0010],
        [0x0028, 0x0011],
      ] as const) {
        for (const pos of findTag(bytes, g, e))
          writeUint(bytes, pos + 8, 2, values[int(rnd, values.length)]!);
      }
      // Sometimes also claim very many frames (IS text, same length kept).
      for (const pos of findTag(bytes, 0x0028, 0x0008)) {
        const { at, width } = lengthField(bytes, pos);
        const len = width === 2 ? bytes[at]! | (bytes[at + 1]! << 8) : 0;
        if (len > 0 && rnd() < 0.5)
          bytes.fill(0x39, at + width, Math.min(bytes.length, at + width + len));
      }
      break;
    }
    case 'bad-transfer-syntax': {
      const pos = findTag(bytes, 0x0002, 0x0010, 128)[0];
      if (pos === undefined) break;
      const { at, width } = lengthField(bytes, pos);
      const len = width === 2 ? bytes[at]! | (bytes[at + 1]! << 8) : 0;
      const bad = BAD_TRANSFER_SYNTAXES[int(rnd, BAD_TRANSFER_SYNTAXES.length)]!;
      const text = new TextEncoder().encode(bad.padEnd(len, '\0').slice(0, len));
      bytes.set(text.subarray(0, len), at + width);
      break;
    }
    case 'missing-pixel-data': {
      const at = pixelDataElementStart(bytes) ?? findTag(bytes, 0x7fe0, 0x0010).at(-1);
      if (at !== undefined) bytes = bytes.slice(0, at);
      else bytes = bytes.slice(0, Math.max(132, bytes.length - 1));
      break;
    }
    case 'sequence-bomb-deep':
      bytes = deepBomb(bytes, rnd);
      break;
    case 'sequence-bomb-wide':
      bytes = wideBomb(bytes, rnd);
      break;
  }
  return { kind, seed, bytes };
}

/** Which mutations `mutations` makes (base index, kind, seed), without making them. */
export function* mutationPlan(
  baseCount: number,
  count: number,
  seed: number,
): Generator<{ base: number; kind: MutationKind; seed: number }> {
  const rnd = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const base = int(rnd, baseCount);
    const kind = MUTATION_KINDS[i % MUTATION_KINDS.length]!;
    yield { base, kind, seed: Math.floor(rnd() * 2 ** 31) };
  }
}

/** `count` mutations spread over the bases and kinds, from one seed. */
export function* mutations(
  bases: readonly Uint8Array[],
  count: number,
  seed: number,
): Generator<Mutation & { base: number }> {
  for (const p of mutationPlan(bases.length, count, seed))
    yield { ...mutate(bases[p.base]!, p.kind, p.seed), base: p.base };
}

export type HostileVerdict = 'accepted' | 'rejected' | 'crashed' | 'hung';

export interface HostileOutcome {
  verdict: HostileVerdict;
  /** the rejection code (`corrupt`, `incomplete`, `wrong-instance`, or a TandemError's), or what went wrong */
  reason: string;
  message: string;
  ms: number;
}

/** A message a person can read: one line, not empty, no stack trace, not endless. */
export function isReadable(message: string): boolean {
  return message.trim().length > 0 && message.length <= 400 && !/\n\s+at /.test(message);
}

/**
 * Runs the sync verifier on hostile bytes: accepted, rejected with a code and a readable message,
 * or else crashed (a throw of another kind, or an unreadable message) or hung (over `capMs`).
 */
export async function verifyHostile(
  bytes: Uint8Array,
  expected: VerifyExpectation,
  capMs: number,
): Promise<HostileOutcome> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), capMs);
  });
  try {
    const result = await Promise.race([
      verifyPart10(new Blob([bytes as Uint8Array<ArrayBuffer>]), expected),
      timeout,
    ]);
    const ms = performance.now() - started;
    if (result === 'hung') return { verdict: 'hung', reason: 'timeout', message: '', ms };
    if (ms > capMs) return { verdict: 'hung', reason: 'timeout', message: '', ms };
    if (result.ok) return { verdict: 'accepted', reason: 'ok', message: '', ms };
    return isReadable(result.reason)
      ? { verdict: 'rejected', reason: result.code, message: result.reason, ms }
      : { verdict: 'crashed', reason: 'unreadable-message', message: result.reason, ms };
  } catch (err) {
    const ms = performance.now() - started;
    if (err instanceof TandemError && isReadable(err.message))
      return { verdict: 'rejected', reason: err.code, message: err.message, ms };
    return {
      verdict: 'crashed',
      reason: err instanceof Error ? err.name : typeof err,
      message: err instanceof Error ? err.message : String(err),
      ms,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Counts of outcomes, by verdict and rejection reason, as a printable table. */
export class HostileTally {
  readonly counts = new Map<string, number>();
  tried = 0;
  readonly failures: Array<{ label: string; outcome: HostileOutcome }> = [];

  add(label: string, outcome: HostileOutcome): void {
    this.tried++;
    const key = outcome.verdict === 'rejected' ? `rejected: ${outcome.reason}` : outcome.verdict;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (outcome.verdict === 'crashed' || outcome.verdict === 'hung')
      this.failures.push({ label, outcome });
  }

  count(verdict: HostileVerdict): number {
    let n = 0;
    for (const [k, v] of this.counts) if (k === verdict || k.startsWith(`${verdict}:`)) n += v;
    return n;
  }

  table(title: string): string {
    const rows = [
      ['tried', String(this.tried)],
      ...[...this.counts].sort().map(([k, v]) => [k, String(v)]),
    ];
    const w = Math.max(...rows.map((r) => r[0]!.length));
    return [title, ...rows.map(([k, v]) => `  ${k!.padEnd(w)}  ${v!.padStart(6)}`)].join('\n');
  }
}
