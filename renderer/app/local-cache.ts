import { TandemDb } from '../../shared/cache/db.ts';

let db: TandemDb | undefined;

/**
 * The page's connection to the workstation cache (the Dexie database `tandem`). The sync worker
 * writes it; the screens read it with `useLiveQuery`, which follows the worker's writes too.
 */
export function cacheDb(): TandemDb {
  db ??= new TandemDb();
  return db;
}
