import { useLiveQuery } from 'dexie-react-hooks';
import type { AssignmentRow } from '../../shared/cache/rows.ts';
import { cacheDb } from '../app/local-cache.ts';

/**
 * The worklist as this workstation holds it: the assignments the sync worker last received,
 * following every change the worker writes to them, in no particular order (the screen sorts).
 * `undefined` while the cache is being read. Sync progress is not read here: it changes far more
 * often than the list, and only the rows on screen need it (`useSyncStates`).
 */
export function useCachedWorklist(): AssignmentRow[] | undefined {
  return useLiveQuery(async () => {
    const items = await cacheDb().assignments.toArray();
    return items.filter((i) => i.status !== 'cancelled');
  }, []);
}
