import type { ReportContent, ReportProblem, SignedReport } from './document.ts';
import { canonicalJson } from './signing.ts';

/** A signed version as the cache keeps it (`StoredSignedReport`) or anything else that holds one. */
interface SignedVersion {
  signed: SignedReport;
}

/**
 * Addenda (issue 7): a signed report is never changed; a correction is a new signed report of the
 * same case whose `amends` is the hash of the report it corrects. Tandem amends the newest signed
 * version, so a case's reports form one chain: the original, then each addendum in signing order.
 * Pure: no DOM, no I/O.
 */

export interface ReportHistory<T extends SignedVersion> {
  /** the case's first signed report (the one that amends nothing); null if only addenda are cached */
  original: T | null;
  /** the addenda, oldest first */
  addenda: T[];
  /** the newest signed version: what an addendum amends and starts from */
  latest: T | null;
}

function signedAtOf(s: SignedVersion): number {
  return Date.parse(s.signed.document.signedAt);
}

/** Orders a case's signed reports into the original and its addenda. */
export function reportHistory<T extends SignedVersion>(reports: readonly T[]): ReportHistory<T> {
  const sorted = [...reports].sort((a, b) => signedAtOf(a) - signedAtOf(b));
  const original = sorted.find((s) => s.signed.document.amends === undefined) ?? null;
  const addenda = sorted.filter((s) => s.signed.document.amends !== undefined);
  return { original, addenda, latest: sorted.at(-1) ?? null };
}

/** What an addendum starts from: a copy of the content of the version it amends. */
export function addendumStart(amended: SignedVersion): ReportContent {
  return structuredClone(amended.signed.document.content);
}

/** Why an addendum cannot be signed beyond the template's own checks (empty = none). */
export function addendumProblems(content: ReportContent, amended: SignedVersion): ReportProblem[] {
  if (content.caseId !== amended.signed.document.caseId) {
    return [{ path: 'addendum', message: 'The addendum belongs to another case.' }];
  }
  if (canonicalJson(content) === canonicalJson(amended.signed.document.content)) {
    return [
      {
        path: 'addendum',
        message: 'The addendum changes nothing yet: correct or add to the report before signing.',
      },
    ];
  }
  return [];
}
