import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ReportResponse, SubmitReportResponse } from '../api/contract.ts';
import { ApiClient } from '../api/client.ts';
import { TandemError } from '../api/errors.ts';
import { TandemDb } from '../cache/db.ts';
import type { SignedReport } from './document.ts';
import {
  drainOutbox,
  OutboxPayload,
  settleReplay,
  type OutboxItem,
  type StoredSignedReport,
} from './outbox.ts';
import { DexieOutboxStore, queueSignedReport, storeSignedReport } from './outbox-store.ts';
import { submitOutboxItem, type ReportApi } from './outbox-submit.ts';
import { generateWorkstationKey, signReport } from './signing.ts';
import { ctChestContent, reportDocument } from './test-support/report-fixtures.ts';

const keys = generateWorkstationKey();

async function signedReport(caseId = 'case-1'): Promise<StoredSignedReport> {
  const signed = await signReport(reportDocument(ctChestContent(caseId)), (await keys).privateKey);
  return { signed, idempotencyKey: `idem-${crypto.randomUUID()}`, text: 'report' };
}

const REPLAYED = new TandemError(
  'report-replayed',
  'This signed report was already received; a second submission is refused.',
  409,
);

/**
 * The backend's report rules in process: a key it has a record of answers as the first time; a
 * report it already holds without a record of this key (a retry that raced the first attempt
 * past the key check, or another submission of the same signed report) is a 409 replay. It
 * tells the author which key it received a report under.
 */
class Backend implements ReportApi {
  readonly held = new Map<string, { signed: SignedReport; key: string }>();
  readonly keyRecords = new Set<string>();
  reachable = true;
  lookups = 0;

  /** what the backend holds before the outbox's attempt, and whether it recorded the key yet */
  hold(signed: SignedReport, key: string, recorded: boolean): void {
    this.held.set(signed.document.reportId, { signed, key });
    if (recorded) this.keyRecords.add(key);
  }

  submitReport = async (signed: SignedReport, key: string): Promise<SubmitReportResponse> => {
    await Promise.resolve();
    const answer = {
      reportId: signed.document.reportId,
      caseId: signed.document.caseId,
      hash: signed.hash,
      receivedAt: '2026-12-01T23:31:00.000Z',
    };
    if (this.keyRecords.has(key)) return answer;
    const sameSignature = [...this.held.values()].some(
      (h) => h.signed.signature === signed.signature,
    );
    if (this.held.has(signed.document.reportId) || sameSignature) throw REPLAYED;
    this.hold(signed, key, true);
    return answer;
  };

  getReport = async (reportId: string): Promise<ReportResponse> => {
    this.lookups++;
    await Promise.resolve();
    if (!this.reachable) throw new TandemError('offline', 'The server cannot be reached.');
    const h = this.held.get(reportId);
    if (!h)
      throw new TandemError('report-not-found', 'There is no signed report with this id.', 404);
    const d = h.signed.document;
    return {
      report: {
        reportId,
        studyInstanceUid: '1.2.3',
        authorDisplayName: d.author.displayName,
        signedAt: d.signedAt,
        text: 'report',
        caseId: d.caseId,
        hash: h.signed.hash,
        keyId: d.keyId,
        amends: null,
        receivedAt: '2026-12-01T23:31:00.000Z',
        signed: h.signed,
        idempotencyKey: h.key,
        sr: { status: 'stored', sopInstanceUid: null, seriesInstanceUid: null },
      },
    };
  };
}

let n = 0;
async function outboxWith(stored: StoredSignedReport, backend: Backend) {
  const db = new TandemDb(`outbox-submit-${++n}`);
  await storeSignedReport(db, stored, `draft:${stored.signed.document.caseId}`);
  await queueSignedReport(db, stored, 1_000);
  const result = await drainOutbox({
    store: new DexieOutboxStore(db),
    submit: (item) => submitOutboxItem(backend, item),
    now: () => 1_000,
    random: { next: () => 0.5 },
  });
  const row = await db.outbox.get(stored.idempotencyKey);
  return { result, row, payload: OutboxPayload.parse(row?.payload) };
}

function itemOf(stored: StoredSignedReport): OutboxItem {
  return {
    idempotencyKey: stored.idempotencyKey,
    caseId: stored.signed.document.caseId,
    reportId: stored.signed.document.reportId,
    state: 'sending',
    attempts: 1,
    createdAt: 1_000,
    payload: { signed: stored.signed, nextAttemptAt: 1_000, lastError: null, deliveredAt: null },
  };
}

describe('a 409 to a replayed report submission', () => {
  it('is delivered when the server holds the same signed report under the same idempotency key', async () => {
    const stored = await signedReport();
    const backend = new Backend();
    // the first attempt is stored, its key not yet recorded when this retry was checked
    backend.hold(stored.signed, stored.idempotencyKey, false);
    const { result, row, payload } = await outboxWith(stored, backend);
    expect(result).toMatchObject({ delivered: 1, rejected: 0 });
    expect(row?.state).toBe('delivered');
    expect(payload).toMatchObject({ deliveredAt: 1_000, lastError: null });
    expect(backend.held.size).toBe(1);
  });

  it('is a conflict, kept and shown, when the server holds the report from another idempotency key', async () => {
    const stored = await signedReport();
    const backend = new Backend();
    backend.hold(stored.signed, 'idem-someone-elses-copy', true);
    const { result, row, payload } = await outboxWith(stored, backend);
    expect(result).toMatchObject({ delivered: 0, rejected: 1 });
    expect(row?.state).toBe('failed');
    expect(payload.signed).toEqual(stored.signed);
    expect(payload.lastError).toMatchObject({ code: 'report-conflict', status: 409 });
    expect(payload.lastError?.message).toMatch(/another submission/);
  });

  it('is a conflict unless key, signature and hash all match what the server holds', async () => {
    const stored = await signedReport();
    const other = await signedReport();
    const item = itemOf(stored);
    const problem = { code: 'report-replayed', message: 'already received', status: 409 };
    const held = {
      hash: stored.signed.hash,
      signature: stored.signed.signature,
      idempotencyKey: stored.idempotencyKey,
    };
    expect(settleReplay(item, held, problem)).toEqual({ kind: 'delivered' });
    for (const differs of [
      { idempotencyKey: 'idem-another-key' },
      { idempotencyKey: null },
      { signature: other.signed.signature },
      { hash: other.signed.hash },
    ]) {
      expect(settleReplay(item, { ...held, ...differs }, problem)).toMatchObject({
        kind: 'rejected',
        problem: { code: 'report-conflict' },
      });
    }
    expect(settleReplay(item, null, problem)).toMatchObject({ kind: 'rejected' });
  });

  it('waits and asks again when what the server holds cannot be read now', async () => {
    const stored = await signedReport();
    const backend = new Backend();
    backend.hold(stored.signed, stored.idempotencyKey, false);
    backend.reachable = false;
    expect(await submitOutboxItem(backend, itemOf(stored))).toMatchObject({
      kind: 'retry',
      offline: true,
    });
    backend.reachable = true;
    expect(await submitOutboxItem(backend, itemOf(stored))).toEqual({ kind: 'delivered' });
    expect(backend.lookups).toBe(2);
  });

  it('an answer cut short after the backend stored the report is retried with the same key, and stored once', async () => {
    const stored = await signedReport();
    const received: string[] = [];
    let cut = true;
    const api = new ApiClient({
      baseUrl: 'http://backend.test',
      fetch: async (_input, init) => {
        received.push(new Headers(init?.headers).get('idempotency-key') ?? '');
        const body = JSON.stringify({
          reportId: stored.signed.document.reportId,
          caseId: stored.signed.document.caseId,
          hash: stored.signed.hash,
          receivedAt: '2026-12-02T04:40:00.000Z',
        });
        // the first answer breaks off mid-body; the repeat (same key) answers in full
        const answer = cut ? body.slice(0, 20) : body;
        cut = false;
        return new Response(answer, {
          status: 201,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    const item = {
      idempotencyKey: stored.idempotencyKey,
      payload: OutboxPayload.parse({
        signed: stored.signed,
        nextAttemptAt: 0,
        lastError: null,
        deliveredAt: null,
      }),
    } as unknown as OutboxItem;
    const first = await submitOutboxItem(api, item);
    expect(first).toMatchObject({ kind: 'retry', problem: { code: 'bad-response' } });
    expect(await submitOutboxItem(api, item)).toEqual({ kind: 'delivered' });
    expect(received).toEqual([stored.idempotencyKey, stored.idempotencyKey]);
  });
});
