import { useLiveQuery } from 'dexie-react-hooks';
import type { AssignmentRow, SyncStateRow } from '../../shared/cache/rows.ts';
import { PRIORITY_RANK } from '../../shared/sync/schedule.ts';
import { cacheDb } from '../app/local-cache.ts';

export interface WorklistEntry {
  item: AssignmentRow;
  /** how far the case is on this workstation; undefined until the sync worker first looks at it */
  sync: SyncStateRow | undefined;
}

/** STAT first, then urgent, then routine; within each, the earliest due first. */
export function compareEntries(a: AssignmentRow, b: AssignmentRow): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0)
  );
}

/**
 * The worklist as this workstation holds it: the assignments the sync worker last received,
 * each with its sync progress, following every change the worker writes. `undefined` while the
 * cache is being read.
 */
export function useCachedWorklist(): WorklistEntry[] | undefined {
  return useLiveQuery(async () => {
    const db = cacheDb();
    const [items, states] = await Promise.all([db.assignments.toArray(), db.syncState.toArray()]);
    const byCase = new Map(states.map((s) => [s.caseId, s]));
    return items
      .filter((i) => i.status !== 'cancelled')
      .sort(compareEntries)
      .map((item) => ({ item, sync: byCase.get(item.caseId) }));
  }, []);
}
