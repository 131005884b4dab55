import type { WorklistItem } from '../../shared/api/contract.ts';
import { PRIORITY_RANK } from '../../shared/sync/schedule.ts';
import { formatPersonName } from '../app/person-name.ts';
import { KIND_LABEL } from './labels.ts';

/** The columns a reader can sort the worklist by (the sync column follows the cache, not the list). */
export const SORT_COLUMNS = [
  'priority',
  'due',
  'patient',
  'modality',
  'bodyPart',
  'description',
  'subspecialty',
  'kind',
  'priors',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export interface WorklistSort {
  column: SortColumn;
  direction: 'ascending' | 'descending';
}

/** The reading order: STAT first, then urgent, then routine; within each, the earliest due first. */
export const DEFAULT_SORT: WorklistSort = { column: 'priority', direction: 'ascending' };

/** A click on a column's header: that column ascending, or the other way round if it already was. */
export function toggleSort(current: WorklistSort, column: SortColumn): WorklistSort {
  if (current.column !== column) return { column, direction: 'ascending' };
  return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

/** STAT first, then urgent, then routine; within each, the earliest due first. */
export function compareEntries(a: WorklistItem, b: WorklistItem): number {
  return (
    PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
    Date.parse(a.dueAt) - Date.parse(b.dueAt) ||
    compareIds(a.caseId, b.caseId)
  );
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function columnKey(item: WorklistItem, column: SortColumn): string | number {
  switch (column) {
    case 'priority':
      return PRIORITY_RANK[item.priority];
    case 'due':
      return Date.parse(item.dueAt);
    case 'patient':
      return formatPersonName(item.patientName);
    case 'modality':
      return item.modalities.join('/');
    case 'bodyPart':
      return item.bodyPart;
    case 'description':
      return item.description;
    case 'subspecialty':
      return item.subspecialty;
    case 'kind':
      return KIND_LABEL[item.kind];
    case 'priors':
      return item.numberOfPriors;
  }
}

/**
 * The list in the order asked for; ties in the column fall back to the reading order, so equal
 * rows never swap places between two sorts. Each row's keys are computed once, not per comparison
 * (10,000 rows take about 130,000 comparisons).
 */
export function sortAssignments<T extends WorklistItem>(
  items: readonly T[],
  sort: WorklistSort,
): T[] {
  const keyed = items.map((item) => ({
    item,
    key: columnKey(item, sort.column),
    rank: PRIORITY_RANK[item.priority],
    due: Date.parse(item.dueAt),
  }));
  const sign = sort.direction === 'ascending' ? 1 : -1;
  keyed.sort((a, b) => {
    const byColumn =
      typeof a.key === 'number' && typeof b.key === 'number'
        ? a.key - b.key
        : collator.compare(String(a.key), String(b.key));
    return (
      sign * byColumn ||
      a.rank - b.rank ||
      a.due - b.due ||
      compareIds(a.item.caseId, b.item.caseId)
    );
  });
  return keyed.map((k) => k.item);
}
