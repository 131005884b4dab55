import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../shared/cache/rows.ts';
import { mayAmend, reportStatusOf } from './report-status.ts';

const row = (state: OutboxRow['state'], payload: unknown = null): OutboxRow => ({
  idempotencyKey: 'k',
  caseId: 'c',
  reportId: 'r',
  state,
  attempts: 2,
  createdAt: 1,
  payload,
});

describe('report status', () => {
  it('goes draft → signed → queued → delivered as the cache says', () => {
    expect(reportStatusOf(false, undefined).status).toBe('draft');
    expect(reportStatusOf(true, undefined).status).toBe('signed');
    expect(reportStatusOf(true, row('pending')).status).toBe('queued');
    expect(reportStatusOf(true, row('sending')).status).toBe('queued');
    expect(reportStatusOf(true, row('delivered')).status).toBe('delivered');
  });

  it('shows a refused report as an error with a reason', () => {
    const view = reportStatusOf(true, row('failed'));
    expect(view.status).toBe('error');
    expect(view.problem?.message).toMatch(/administrator/);
  });

  it('offers an addendum to a signed, queued or delivered report, not to one refused for good', () => {
    expect(mayAmend(reportStatusOf(true, undefined))).toBe(true);
    expect(mayAmend(reportStatusOf(true, row('pending')))).toBe(true);
    expect(mayAmend(reportStatusOf(true, row('delivered')))).toBe(true);
    expect(mayAmend(reportStatusOf(true, row('failed')))).toBe(false);
  });
});
