import { describe, expect, it } from 'vitest';
import { worklistItem } from '../../shared/sync/test-support/fixtures.ts';
import { compareEntries } from './use-cached-worklist.ts';

const item = (caseId: string, priority: 'stat' | 'urgent' | 'routine', dueAt: string) => ({
  ...worklistItem({ caseId, priority, dueAt, study: { uid: '1.2', series: [] } }),
  receivedAt: 0,
});

describe('worklist order from the cache', () => {
  it('puts STAT first, then urgent, then routine, each by due time', () => {
    const items = [
      item('r-late', 'routine', '2026-03-02T12:00:00Z'),
      item('u', 'urgent', '2026-03-02T15:00:00Z'),
      item('s', 'stat', '2026-03-02T18:00:00Z'),
      item('r-early', 'routine', '2026-03-02T09:00:00Z'),
    ];
    expect(items.sort(compareEntries).map((i) => i.caseId)).toEqual([
      's',
      'u',
      'r-early',
      'r-late',
    ]);
  });
});
