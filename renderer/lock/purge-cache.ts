import { Dexie } from 'dexie';
import { DB_NAME } from '../../shared/cache/db.ts';
import { cacheDb } from '../app/local-cache.ts';

/**
 * Deletes the patient cache, the whole `tandem` database: cases, images, drafts, reports not yet
 * sent. The workstation's own database (`tandem-workstation`: settings, display QA records) stays.
 * Other connections (the sync worker's) are closed by Dexie when the deletion asks them to.
 */
export async function purgePatientCache(): Promise<void> {
  cacheDb().close();
  await Dexie.delete(DB_NAME);
}
