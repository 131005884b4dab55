import { Dexie } from 'dexie';
import { DB_NAME } from '../../shared/cache/db.ts';
import { clearMeasurementJournal } from '../viewer/measurement-journal.ts';

/** Set until the patient cache has been deleted; no patient data, just the request. */
const PURGE_PENDING_KEY = 'tandem:purge-pending';

/** How long a start waits for the deletion (another tab may hold the database open). */
const PURGE_WAIT_MS = 10_000;

/**
 * Asks for the patient cache (the whole `tandem` database: cases, images, drafts, reports not
 * yet sent) to be deleted, and reloads the page to do it. Deleting from a running page races
 * its sync worker, which reopens (and so recreates) the database on its next write; a fresh
 * page deletes it before anything opens it. The workstation's own database
 * (`tandem-workstation`: settings, display QA records) stays.
 */
export function purgePatientCacheAndReload(): void {
  localStorage.setItem(PURGE_PENDING_KEY, '1');
  window.location.reload();
}

/** At start, before the cache is opened: carries out a requested purge. True if one was done. */
export async function finishPendingPurge(): Promise<boolean> {
  if (localStorage.getItem(PURGE_PENDING_KEY) === null) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PURGE_WAIT_MS);
  });
  const deleted = Dexie.delete(DB_NAME).then(() => true);
  const done = await Promise.race([deleted, gaveUp]);
  clearTimeout(timer);
  if (!done) {
    // Kept pending: the next start tries again.
    console.warn(
      'cache: the patient cache is still open elsewhere; it will be deleted at the next start',
    );
    return false;
  }
  clearMeasurementJournal();
  localStorage.removeItem(PURGE_PENDING_KEY);
  return true;
}
