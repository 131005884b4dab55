import { z } from 'zod';
import type { AtRestCipher } from '../../shared/cache/at-rest-cipher.ts';
import type { TandemDb } from '../../shared/cache/db.ts';
import { ReportContent } from '../../shared/report/document.ts';
import { isFilled } from '../../shared/report/template.ts';
import { cacheCipher } from '../app/cache-key.ts';

/**
 * The report draft of a case, kept in the cache's `drafts` table: written on every change, so a
 * crash, a reload or going offline loses nothing, and the same draft is there online and
 * offline (it never leaves the workstation). One draft per case: the structured report content
 * being written. A draft of the earlier free-text editor (`{ text }`) is read as the impression.
 *
 * At rest the content is sealed with the workstation key (`AtRestCipher.sealValue`, the session's
 * cipher unless one is given); a draft stored plain (encryption off, or before it was on) still
 * reads.
 */
export const LegacyTextDraft = z.object({ text: z.string() });
export const StructuredDraft = z.object({ report: ReportContent });
export const DraftContent = z.union([StructuredDraft, LegacyTextDraft]);
export type DraftContent = z.infer<typeof DraftContent>;

export function draftIdOf(caseId: string): string {
  return `draft:${caseId}`;
}

export async function loadDraft(
  db: TandemDb,
  caseId: string,
  cipher?: AtRestCipher,
): Promise<DraftContent | undefined> {
  const row = await db.drafts.get(draftIdOf(caseId));
  if (!row) return undefined;
  const content = await (cipher ?? (await cacheCipher())).openValue(row.content);
  const parsed = DraftContent.safeParse(content);
  return parsed.success ? parsed.data : undefined;
}

/** True when the reader has written nothing yet. */
export function isEmptyDraft(content: DraftContent): boolean {
  if ('text' in content) return content.text.trim() === '';
  const r = content.report;
  return (
    !Object.values(r.values).some(isFilled) &&
    r.measurements.length === 0 &&
    r.impression.trim() === '' &&
    r.critical === null
  );
}

/**
 * Saves a draft; an empty one is removed, so a case never stays protected from eviction by a
 * draft with nothing in it.
 */
export async function saveDraft(
  db: TandemDb,
  caseId: string,
  content: DraftContent,
  cipher?: AtRestCipher,
): Promise<void> {
  const draftId = draftIdOf(caseId);
  if (isEmptyDraft(content)) {
    await db.drafts.delete(draftId);
    return;
  }
  const sealed = await (cipher ?? (await cacheCipher())).sealValue(content);
  await db.drafts.put({ draftId, caseId, updatedAt: Date.now(), content: sealed });
}
