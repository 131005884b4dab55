import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useRef } from 'react';
import type { SyncStateRow } from '../../shared/cache/rows.ts';
import { cacheDb } from '../app/local-cache.ts';

function sameProgress(a: SyncStateRow, b: SyncStateRow): boolean {
  return (
    a.updatedAt === b.updatedAt &&
    a.state === b.state &&
    a.instancesDone === b.instancesDone &&
    a.instancesTotal === b.instancesTotal &&
    a.bytesDone === b.bytesDone &&
    a.errors.length === b.errors.length
  );
}

/**
 * The sync progress of these cases, following the sync worker's writes: one live query over
 * their keys, so progress elsewhere in a long list neither re-reads nor re-renders anything.
 * A case whose progress did not change keeps the same object, so its row is not rendered again.
 */
export function useSyncStates(caseIds: readonly string[]): ReadonlyMap<string, SyncStateRow> {
  const key = caseIds.join('\n');
  const rows = useLiveQuery(
    () => cacheDb().syncState.bulkGet(key === '' ? [] : key.split('\n')),
    [key],
  );
  const previous = useRef<ReadonlyMap<string, SyncStateRow>>(new Map());
  return useMemo(() => {
    const next = new Map<string, SyncStateRow>();
    for (const row of rows ?? []) {
      if (!row) continue;
      const before = previous.current.get(row.caseId);
      next.set(row.caseId, before && sameProgress(before, row) ? before : row);
    }
    // Until the first answer for a new window, the last one still tells the rows it held.
    const shown = rows === undefined ? previous.current : next;
    previous.current = shown;
    return shown;
  }, [rows]);
}
