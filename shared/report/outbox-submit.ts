import type { ApiClient } from '../api/client.ts';
import { TandemError } from '../api/errors.ts';
import {
  classifySubmitFailure,
  settleReplay,
  type HeldSubmission,
  type OutboxItem,
  type OutboxProblem,
  type SubmitOutcome,
} from './outbox.ts';

export type ReportApi = Pick<ApiClient, 'submitReport' | 'getReport'>;

function problemOf(err: TandemError): OutboxProblem {
  return {
    code: err.code,
    message: err.message,
    ...(err.status !== undefined ? { status: err.status } : {}),
  };
}

/**
 * The outbox's `submit` port over the API client: sends the item under its idempotency key and
 * classifies the answer. On a 409 `report-replayed` it asks the backend what it holds under the
 * report's id and lets `settleReplay` decide between delivered and a real conflict; when that
 * question cannot be answered now (offline, 5xx), it is asked again on the next attempt.
 */
export async function submitOutboxItem(api: ReportApi, item: OutboxItem): Promise<SubmitOutcome> {
  try {
    await api.submitReport(item.payload.signed, item.idempotencyKey);
    return { kind: 'delivered' };
  } catch (err) {
    if (!(err instanceof TandemError)) throw err;
    const problem = problemOf(err);
    if (err.status !== 409 || err.code !== 'report-replayed') {
      return classifySubmitFailure(err.status, problem);
    }
    let held: HeldSubmission | null;
    try {
      const { report } = await api.getReport(item.payload.signed.document.reportId);
      held = {
        hash: report.signed.hash,
        signature: report.signed.signature,
        idempotencyKey: report.idempotencyKey ?? null,
      };
    } catch (lookupErr) {
      if (!(lookupErr instanceof TandemError)) throw lookupErr;
      const retry = classifySubmitFailure(lookupErr.status, problemOf(lookupErr));
      if (retry.kind === 'retry') return retry;
      held = null;
    }
    return settleReplay(item, held, problem);
  }
}
