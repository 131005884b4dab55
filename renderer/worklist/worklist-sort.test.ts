import { describe, expect, it } from 'vitest';
import { worklistItem } from '../../shared/sync/test-support/fixtures.ts';
import { compareEntries, DEFAULT_SORT, sortAssignments, toggleSort } from './worklist-sort.ts';

type Priority = 'stat' | 'urgent' | 'routine';
const item = (
  caseId: string,
  priority: Priority,
  dueAt: string,
  more: Partial<{ patientName: string; numberOfPriors: number; modalities: string[] }> = {},
) => ({
  ...worklistItem({ caseId, priority, dueAt, study: { uid: '1.2', series: [] } }),
  ...more,
  receivedAt: 0,
});

const ids = (rows: readonly { caseId: string }[]) => rows.map((r) => r.caseId);

describe('worklist order', () => {
  const items = [
    item('r-late', 'routine', '2026-03-02T12:00:00Z', {
      patientName: 'ZED^ANN',
      numberOfPriors: 0,
    }),
    item('u', 'urgent', '2026-03-02T15:00:00Z', { patientName: 'adams^bo', numberOfPriors: 3 }),
    item('s', 'stat', '2026-03-02T18:00:00Z', { patientName: 'MILLER^CY', numberOfPriors: 1 }),
    item('r-early', 'routine', '2026-03-02T09:00:00Z', {
      patientName: 'BAKER^DI',
      numberOfPriors: 1,
    }),
  ];

  it('puts STAT first, then urgent, then routine, each by due time', () => {
    expect(ids([...items].sort(compareEntries))).toEqual(['s', 'u', 'r-early', 'r-late']);
    expect(ids(sortAssignments(items, DEFAULT_SORT))).toEqual(['s', 'u', 'r-early', 'r-late']);
  });

  it('sorts by due time alone when the reader asks, earliest first', () => {
    const sorted = sortAssignments(items, { column: 'due', direction: 'ascending' });
    expect(ids(sorted)).toEqual(['r-early', 'r-late', 'u', 's']);
  });

  it('sorts patients by name as people read it, ignoring case', () => {
    const sorted = sortAssignments(items, { column: 'patient', direction: 'ascending' });
    expect(ids(sorted)).toEqual(['u', 'r-early', 's', 'r-late']);
  });

  it('reverses with a second click and keeps ties in reading order', () => {
    const sort = toggleSort(toggleSort(DEFAULT_SORT, 'priors'), 'priors');
    expect(sort).toEqual({ column: 'priors', direction: 'descending' });
    // s and r-early both have one prior: the STAT case stays ahead of the routine one
    expect(ids(sortAssignments(items, sort))).toEqual(['u', 's', 'r-early', 'r-late']);
  });

  it('starts a newly chosen column ascending', () => {
    expect(toggleSort({ column: 'priors', direction: 'descending' }, 'due')).toEqual({
      column: 'due',
      direction: 'ascending',
    });
  });

  it('does not change the list it was given', () => {
    const before = ids(items);
    sortAssignments(items, { column: 'patient', direction: 'descending' });
    expect(ids(items)).toEqual(before);
  });
});
