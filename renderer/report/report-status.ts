import type { OutboxRow } from '../../shared/cache/rows.ts';
import { OutboxPayload, type OutboxProblem } from '../../shared/report/outbox.ts';

/** What `report-status` shows (ARCHITECTURE.md, UI contract for tests). */
export type ReportStatus = 'draft' | 'signed' | 'queued' | 'delivered' | 'error';

export interface ReportStatusView {
  status: ReportStatus;
  /** why it is not delivered yet (a retry's reason) or why it failed */
  problem: OutboxProblem | null;
  attempts: number;
}

/**
 * From the cache: no signed report → draft; signed but not in the outbox yet → signed; in the
 * outbox → queued until the backend confirms (delivered) or refuses it for good (error).
 */
export function reportStatusOf(signed: boolean, outbox: OutboxRow | undefined): ReportStatusView {
  if (!signed) return { status: 'draft', problem: null, attempts: 0 };
  if (!outbox) return { status: 'signed', problem: null, attempts: 0 };
  const payload = OutboxPayload.safeParse(outbox.payload);
  const problem = payload.success
    ? payload.data.lastError
    : {
        code: 'outbox-unreadable',
        message: 'This signed report cannot be read from the outbox. Tell your administrator.',
      };
  const status: ReportStatus =
    outbox.state === 'delivered' ? 'delivered' : outbox.state === 'failed' ? 'error' : 'queued';
  return { status, problem: status === 'delivered' ? null : problem, attempts: outbox.attempts };
}

/**
 * Whether the newest signed version may be amended. An addendum amends a report the backend holds
 * or will hold; one the backend refused for good (its reason shown) is not on record there, so an
 * addendum to it would be refused as well.
 */
export function mayAmend(latest: ReportStatusView): boolean {
  return latest.status !== 'error';
}
