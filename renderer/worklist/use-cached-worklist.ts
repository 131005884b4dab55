import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import type { WorklistItem } from '../../shared/api/contract.ts';
import type { AssignmentRow } from '../../shared/cache/rows.ts';
import { cacheDb } from '../app/local-cache.ts';
import { useReceivedWorklist } from './received-worklist.ts';

const NONE: readonly AssignmentRow[] = [];

/**
 * The worklist as this workstation holds it, following every change the sync worker writes, in
 * no particular order (the screen sorts): the list the worker received from the server this
 * session (`received-worklist.ts`, shown before it is stored), and from the cache every case that
 * list does not name — local imports, a case kept for a report not yet sent, or everything when
 * the worker has said nothing yet (offline, or just after a reload). With the server's list in
 * hand, the cache is asked for its keys and those other rows only, not for thousands of rows the
 * page already has. `undefined` while there is nothing to show yet. Sync progress is not read here:
 * it changes far more often than the list, and only the rows on screen need it (`useSyncStates`).
 */
export function useCachedWorklist(): WorklistItem[] | undefined {
  const received = useReceivedWorklist();
  const stored = useLiveQuery(async () => {
    const table = cacheDb().assignments;
    if (!received) return table.toArray();
    const keys = await table.toCollection().primaryKeys();
    const others = keys.filter((caseId) => !received.caseIds.has(caseId));
    if (!others.length) return NONE;
    return (await table.bulkGet(others)).filter((row) => row !== undefined);
  }, [received]);
  // an empty answer keeps its identity, so the list is not sorted again for nothing
  const extra = stored?.length ? stored : stored && NONE;
  return useMemo(() => {
    if (!received) return extra?.filter((i) => i.status !== 'cancelled');
    const rows: WorklistItem[] = received.items.filter((i) => i.status !== 'cancelled');
    // the keys-only answer may be one from before the list came: never show a case twice
    for (const row of extra ?? NONE) {
      if (!received.caseIds.has(row.caseId) && row.status !== 'cancelled') rows.push(row);
    }
    return rows;
  }, [received, extra]);
}
