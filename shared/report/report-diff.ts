/**
 * A structured comparison of two reads of the same study, for the second reader and the QA
 * reviewer. Works on report text (both the seeded free-text reports and the text the report
 * editor renders from a template), so any two reports can be compared:
 * - findings present in one report and not the other (a finding term mentioned without a
 *   negation earlier in its sentence);
 * - measurements of the same finding that differ (value and percent);
 * - assessment categories that differ (BI-RADS, Lung-RADS, Fleischner recommendation);
 * - impression and full text, word by word.
 * Pure: no DOM, no I/O.
 */

export interface FindingDiff {
  /** the finding term, singular (e.g. "nodule") */
  finding: string;
  presentIn: 'first' | 'second';
  /** the sentence that mentions it */
  sentence: string;
}

export interface MeasurementDiff {
  finding: string;
  unit: 'mm';
  first: number;
  second: number;
  /** (second - first) / first × 100, rounded to one decimal */
  percent: number;
}

export interface CategoryDiff {
  system: 'BI-RADS' | 'Lung-RADS' | 'Fleischner';
  first: string | null;
  second: string | null;
}

export interface WordOp {
  op: 'same' | 'removed' | 'added';
  /** the words as the second report writes them (the first's, for `removed`) */
  text: string;
  /** for `same`: the words as the first report writes them (case and punctuation may differ) */
  first?: string;
}

export interface ReportDiff {
  findings: FindingDiff[];
  measurements: MeasurementDiff[];
  categories: CategoryDiff[];
  impression: WordOp[];
  text: WordOp[];
  /** true when nothing structured differs and the impressions say the same words */
  identical: boolean;
}

const FINDING_TERMS = [
  'nodule',
  'mass',
  'asymmetry',
  'lesion',
  'calcification',
  'consolidation',
  'effusion',
  'pneumothorax',
  'cyst',
  'emphysema',
  'lymphadenopathy',
  'distortion',
  'metastasis',
  'atelectasis',
  'fracture',
  'opacity',
  'haemorrhage',
  'hemorrhage',
  'infarct',
  'hydronephrosis',
  'ascites',
  'stenosis',
  'aneurysm',
  'thrombus',
  'embolism',
] as const;

const NEGATION = /\b(no|not|without|negative for|free of|none)\b/i;

/** Sentences: split at line ends and at a full stop followed by a space. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+|(?<=\.)\s+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function termPattern(term: string): RegExp {
  return new RegExp(`\\b${term}(?:s|es)?\\b`, 'i');
}

interface Mention {
  sentence: string;
  positive: boolean;
  /** the first size in mm in the sentence, when the finding is positive */
  mm: number | null;
}

const SIZE = /(\d+(?:\.\d+)?)\s*(mm|cm)\b/i;

function sizeInMm(sentence: string): number | null {
  const m = SIZE.exec(sentence);
  if (!m) return null;
  const v = Number(m[1]);
  return m[2]!.toLowerCase() === 'cm' ? v * 10 : v;
}

function mentions(text: string): Map<string, Mention[]> {
  const out = new Map<string, Mention[]>();
  for (const sentence of sentencesOf(bodyWithoutHeadings(text))) {
    for (const term of FINDING_TERMS) {
      const match = termPattern(term).exec(sentence);
      if (!match) continue;
      const before = sentence.slice(0, match.index);
      const positive = !NEGATION.test(before);
      const list = out.get(term) ?? [];
      list.push({ sentence, positive, mm: positive ? sizeInMm(sentence) : null });
      out.set(term, list);
    }
  }
  return out;
}

/** Section headings ("FINDINGS:", "IMPRESSION") carry no findings. */
function bodyWithoutHeadings(text: string): string {
  return text
    .split('\n')
    .filter((l) => !isHeading(l))
    .join('\n');
}

function isHeading(line: string): boolean {
  const t = line.trim();
  return t !== '' && /^[A-Z][A-Z0-9 ()/,-]*:?$/.test(t) && /[A-Z]{3}/.test(t);
}

/** The impression: the text after a heading that starts with IMPRESSION (or CONCLUSION). */
export function impressionOf(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^\s*(IMPRESSION|CONCLUSION)\b/.test(l) && isHeading(l));
  if (start < 0) return '';
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (isHeading(l) && !/^\s*\d/.test(l)) break;
    out.push(l);
  }
  return out.join('\n').trim();
}

const CATEGORY_PATTERNS: Array<{ system: CategoryDiff['system']; re: RegExp }> = [
  { system: 'BI-RADS', re: /\bBI-?RADS(?:\s+assessment)?(?:\s+category)?[:\s]+([0-6][A-C]?)\b/i },
  { system: 'Lung-RADS', re: /\bLung-?RADS(?:\s+category)?[:\s]+([0-4][ABX]?S?)\b/i },
];

/** The Fleischner line's recommendation (text after its colon), or the sentence citing it. */
function fleischnerOf(text: string): string | null {
  for (const s of sentencesOf(text)) {
    if (!/fleischner/i.test(s)) continue;
    const labelled = /fleischner[^:]*\):\s*(.+)$/i.exec(s) ?? /fleischner[^:]*:\s*(.+)$/i.exec(s);
    const value = (labelled?.[1] ?? s).replace(/\(?fleischner society 2017\)?/i, '').trim();
    return value.replace(/[.,;]+$/, '');
  }
  return null;
}

export function categoriesOf(text: string): Record<CategoryDiff['system'], string | null> {
  const out: Record<CategoryDiff['system'], string | null> = {
    'BI-RADS': null,
    'Lung-RADS': null,
    Fleischner: fleischnerOf(text),
  };
  for (const { system, re } of CATEGORY_PATTERNS) {
    const m = re.exec(text);
    if (m) out[system] = m[1]!.toUpperCase();
  }
  return out;
}

/** Words, with each line break kept as a token of its own so a rendered diff keeps its lines. */
function words(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/(\n)|[ \t]+/)
    .filter((w): w is string => w !== undefined && w !== '');
}

function normalizeWord(w: string): string {
  return w
    .toLowerCase()
    .replace(/[.,;:()]+$/g, '')
    .replace(/^[(]+/, '');
}

/** Word-level diff (longest common subsequence), adjacent words of the same kind merged. */
export function wordDiff(first: string, second: string): WordOp[] {
  const a = words(first);
  const b = words(second);
  const na = a.map(normalizeWord);
  const nb = b.map(normalizeWord);
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..], in one flat array
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        na[i] === nb[j]
          ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const ops: WordOp[] = [];
  const push = (op: WordOp['op'], text: string, first?: string) => {
    const last = ops[ops.length - 1];
    if (last && last.op === op) {
      last.text += ` ${text}`;
      if (first !== undefined) last.first = `${last.first ?? ''} ${first}`;
    } else ops.push(first === undefined ? { op, text } : { op, text, first });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (na[i] === nb[j]) {
      push('same', b[j]!, a[i]!);
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) {
      push('removed', a[i]!);
      i++;
    } else {
      push('added', b[j]!);
      j++;
    }
  }
  while (i < n) push('removed', a[i++]!);
  while (j < m) push('added', b[j++]!);
  return ops;
}

export function diffReports(firstText: string, secondText: string): ReportDiff {
  const a = mentions(firstText);
  const b = mentions(secondText);
  const findings: FindingDiff[] = [];
  const measurements: MeasurementDiff[] = [];
  for (const term of FINDING_TERMS) {
    const pa = (a.get(term) ?? []).filter((x) => x.positive);
    const pb = (b.get(term) ?? []).filter((x) => x.positive);
    if (pa.length > 0 && pb.length === 0)
      findings.push({ finding: term, presentIn: 'first', sentence: pa[0]!.sentence });
    else if (pb.length > 0 && pa.length === 0)
      findings.push({ finding: term, presentIn: 'second', sentence: pb[0]!.sentence });
    else {
      const ma = pa.find((x) => x.mm !== null)?.mm ?? null;
      const mb = pb.find((x) => x.mm !== null)?.mm ?? null;
      if (ma !== null && mb !== null && ma !== mb) {
        measurements.push({
          finding: term,
          unit: 'mm',
          first: ma,
          second: mb,
          percent: ma === 0 ? 0 : Math.round(((mb - ma) / ma) * 1000) / 10,
        });
      }
    }
  }
  const ca = categoriesOf(firstText);
  const cb = categoriesOf(secondText);
  const categories: CategoryDiff[] = (['BI-RADS', 'Lung-RADS', 'Fleischner'] as const)
    .filter((s) => (ca[s] ?? '').toLowerCase() !== (cb[s] ?? '').toLowerCase())
    .map((system) => ({ system, first: ca[system], second: cb[system] }));
  const impression = wordDiff(impressionOf(firstText), impressionOf(secondText));
  const text = wordDiff(firstText, secondText);
  return {
    findings,
    measurements,
    categories,
    impression,
    text,
    identical:
      findings.length === 0 &&
      measurements.length === 0 &&
      categories.length === 0 &&
      impression.every((o) => o.op === 'same'),
  };
}
