import { z } from 'zod';
import type { TandemDb } from '../../shared/cache/db.ts';

/**
 * The report draft of a case, kept in the cache's `drafts` table: written on every change, so a
 * crash, a reload or going offline loses nothing. One free-text draft per case for now; the
 * structured report editor refines `content`.
 */
export const DraftContent = z.object({ text: z.string() });
export type DraftContent = z.infer<typeof DraftContent>;

export function draftIdOf(caseId: string): string {
  return `draft:${caseId}`;
}

export async function loadDraft(db: TandemDb, caseId: string): Promise<DraftContent | undefined> {
  const row = await db.drafts.get(draftIdOf(caseId));
  if (!row) return undefined;
  const parsed = DraftContent.safeParse(row.content);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Saves a draft; an empty one is removed, so a case never stays protected from eviction by a
 * draft with nothing in it.
 */
export async function saveDraft(
  db: TandemDb,
  caseId: string,
  content: DraftContent,
): Promise<void> {
  const draftId = draftIdOf(caseId);
  if (content.text.trim() === '') {
    await db.drafts.delete(draftId);
    return;
  }
  await db.drafts.put({ draftId, caseId, updatedAt: Date.now(), content });
}
