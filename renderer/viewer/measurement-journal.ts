import { z } from 'zod';
import { AnnotationRow } from '../../shared/cache/rows.ts';

/**
 * Measurements the page had not yet written to IndexedDB when it went away (a reload, a closed
 * window). A page being torn down aborts its unfinished IndexedDB transactions, so `pagehide`
 * writes them here, synchronously, and the next opening of a case puts them into the cache
 * before reading it. Holds measurement geometry and values keyed by case and instance UIDs, as the
 * cache's own `annotations` rows do; a purge of the patient cache clears it too.
 */
const JOURNAL_KEY = 'tandem:measurements-unsaved';

const Journal = z.array(AnnotationRow);

/** Adds rows to the journal (the newest row of a measurement wins). */
export function journalMeasurements(rows: readonly AnnotationRow[]): void {
  if (rows.length === 0) return;
  const byId = new Map(readJournal().map((r) => [r.annotationId, r]));
  for (const row of rows) byId.set(row.annotationId, row);
  try {
    localStorage.setItem(JOURNAL_KEY, JSON.stringify([...byId.values()]));
  } catch (err) {
    // storage full or unavailable: the IndexedDB write begun beside this may still land
    console.error('viewer: could not keep unsaved measurements', err);
  }
}

/** The journal's rows, or none; a damaged journal is dropped rather than replayed. */
export function readJournal(): AnnotationRow[] {
  const text = localStorage.getItem(JOURNAL_KEY);
  if (text === null) return [];
  try {
    const parsed = Journal.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function clearMeasurementJournal(): void {
  localStorage.removeItem(JOURNAL_KEY);
}
