import { canonicalJson } from './signing.ts';
import type { ReportContent, ReportProblem } from './document.ts';
import type { StoredSignedReport } from './outbox.ts';

/**
 * Addenda (issue 7): a signed report is never changed; a correction is a new signed report of the
 * same case whose `amends` is the hash of the report it corrects. Tandem amends the newest signed
 * version, so a case's reports form one chain: the original, then each addendum in signing order.
 * Pure: no DOM, no I/O.
 */

export interface ReportHistory {
  /** the case's first signed report (the one that amends nothing); null if only addenda are cached */
  original: StoredSignedReport | null;
  /** the addenda, oldest first */
  addenda: StoredSignedReport[];
  /** the newest signed version: what an addendum amends and starts from */
  latest: StoredSignedReport | null;
}

function signedAtOf(s: StoredSignedReport): number {
  return Date.parse(s.signed.document.signedAt);
}

/** Orders a case's signed reports into the original and its addenda. */
export function reportHistory(reports: readonly StoredSignedReport[]): ReportHistory {
  const sorted = [...reports].sort((a, b) => signedAtOf(a) - signedAtOf(b));
  const original = sorted.find((s) => s.signed.document.amends === undefined) ?? null;
  const addenda = sorted.filter((s) => s.signed.document.amends !== undefined);
  return { original, addenda, latest: sorted.at(-1) ?? null };
}

/** What an addendum starts from: a copy of the content of the version it amends. */
export function addendumStart(amended: StoredSignedReport): ReportContent {
  return structuredClone(amended.signed.document.content);
}

/** Why an addendum cannot be signed beyond the template's own checks (empty = none). */
export function addendumProblems(
  content: ReportContent,
  amended: StoredSignedReport,
): ReportProblem[] {
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
