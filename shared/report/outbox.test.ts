import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TandemDb } from '../cache/db.ts';
import type { OutboxRow } from '../cache/rows.ts';
import { DexieSyncStore } from '../cache/sync-store.ts';
import type { SignedReport } from './document.ts';
import {
  classifySubmitFailure,
  drainOutbox,
  OutboxRunner,
  type OutboxItem,
  type OutboxPorts,
  type StoredSignedReport,
  type SubmitOutcome,
} from './outbox.ts';
import { DexieOutboxStore, queueSignedReport, storeSignedReport } from './outbox-store.ts';
import { generateWorkstationKey, signReport } from './signing.ts';

let dbCount = 0;
function freshDb(): TandemDb {
  return new TandemDb(`outbox-${++dbCount}`);
}

const keyPair = generateWorkstationKey();

async function signedFor(caseId: string, n = 1): Promise<StoredSignedReport> {
  const { privateKey } = await keyPair;
  const reportId = crypto.randomUUID();
  const signed: SignedReport = await signReport(
    {
      reportId,
      caseId,
      author: { userId: 'u1', displayName: 'Dr One' },
      signedAt: new Date(1_700_000_000_000 + n).toISOString(),
      keyId: 'key-1',
      content: {
        templateId: 'generic',
        templateVersion: '1.0',
        caseId,
        values: { findings: `Findings ${n}` },
        measurements: [],
        impression: 'No acute findings.',
        critical: null,
      },
    },
    privateKey,
  );
  return { signed, idempotencyKey: `idem-${reportId}`, text: `report ${n}` };
}

/**
 * An in-process stand-in for the backend's report route, with its rules: a key seen before
 * answers as delivered again without storing twice; the network can be down, the answer lost
 * after storing, or the server failing.
 */
class ReportServer {
  stored = new Map<string, SignedReport>();
  requests = 0;
  mode: 'up' | 'offline' | 'lose-answer' | 'error-500' | 'reject-422' = 'up';

  submit = async (item: OutboxItem): Promise<SubmitOutcome> => {
    this.requests++;
    await Promise.resolve();
    switch (this.mode) {
      case 'offline':
        return classifySubmitFailure(undefined, { code: 'offline', message: 'unreachable' });
      case 'error-500':
        return classifySubmitFailure(500, { code: 'http-500', message: 'boom', status: 500 });
      case 'reject-422':
        return classifySubmitFailure(422, {
          code: 'report-tampered',
          message: 'The report does not match its signature.',
          status: 422,
        });
      case 'lose-answer':
        this.stored.set(item.idempotencyKey, item.payload.signed);
        return classifySubmitFailure(undefined, { code: 'offline', message: 'connection reset' });
      case 'up':
        this.stored.set(item.idempotencyKey, item.payload.signed);
        return { kind: 'delivered' };
    }
  };
}

function portsFor(db: TandemDb, server: ReportServer, clock = { t: 1_000 }): OutboxPorts {
  return {
    store: new DexieOutboxStore(db),
    submit: server.submit,
    now: () => clock.t,
    random: { next: () => 0.5 },
    backoff: { baseMs: 1_000, maxMs: 8_000 },
  };
}

async function sign(db: TandemDb, stored: StoredSignedReport, now = 1_000): Promise<void> {
  await storeSignedReport(db, stored, `draft:${stored.signed.document.caseId}`);
  await queueSignedReport(db, stored, now);
}

describe('the report outbox', () => {
  it('delivers a signed report once, with the key fixed at signing, and drops its draft', async () => {
    const db = freshDb();
    const server = new ReportServer();
    await db.drafts.put({ draftId: 'draft:case-a', caseId: 'case-a', updatedAt: 1, content: {} });
    const report = await signedFor('case-a');
    await sign(db, report);
    expect(await db.drafts.count()).toBe(0);

    const first = await drainOutbox(portsFor(db, server));
    expect(first.delivered).toBe(1);
    const again = await drainOutbox(portsFor(db, server));
    expect(again.delivered).toBe(0);
    expect(server.requests).toBe(1);
    expect([...server.stored.keys()]).toEqual([report.idempotencyKey]);
    const row = await db.outbox.get(report.idempotencyKey);
    expect(row?.state).toBe('delivered');
  });

  it('refuses to replace a signed report', async () => {
    const db = freshDb();
    const report = await signedFor('case-a');
    await storeSignedReport(db, report, 'draft:case-a');
    await expect(
      storeSignedReport(db, { ...report, text: 'changed' }, 'draft:case-a'),
    ).rejects.toThrow();
    const row = await db.signedReports.get(report.signed.document.reportId);
    expect((row?.document as StoredSignedReport).text).toBe(report.text);
  });

  it('retries with growing, jittered delays while offline, and delivers once the server is back', async () => {
    const db = freshDb();
    const server = new ReportServer();
    server.mode = 'offline';
    const clock = { t: 1_000 };
    const ports = { ...portsFor(db, server, clock), random: { next: () => Math.random() } };
    await sign(db, await signedFor('case-a'));
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await drainOutbox(ports);
      expect(r.retried).toBe(1);
      delays.push(r.nextDueAt! - clock.t);
      // not due yet: nothing is sent
      await drainOutbox(ports);
      clock.t = r.nextDueAt!;
    }
    expect(server.requests).toBe(5);
    // 1 s, 2 s, 4 s, 8 s, 8 s nominal; each in the upper half of its window
    const nominal = [1_000, 2_000, 4_000, 8_000, 8_000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(nominal[i]! / 2);
      expect(d).toBeLessThanOrEqual(nominal[i]!);
    });
    const waiting = await db.outbox.toArray();
    expect(waiting.map((r) => r.state)).toEqual(['pending']);
    expect((waiting[0]?.payload as { lastError: { code: string } }).lastError.code).toBe('offline');

    server.mode = 'up';
    expect((await drainOutbox(ports)).delivered).toBe(1);
    expect(server.stored.size).toBe(1);
    expect((await db.outbox.toArray())[0]?.attempts).toBe(6);
  });

  it('a clock set back after a failed attempt does not hold the retry back', async () => {
    const db = freshDb();
    const server = new ReportServer();
    server.mode = 'offline';
    const clock = { t: Date.parse('2026-12-02T10:00:00Z') };
    const ports = portsFor(db, server, clock);
    await sign(db, await signedFor('case-a'), clock.t);
    expect((await drainOutbox(ports)).retried).toBe(1);
    // the system time is corrected a day back while the report waits
    clock.t -= 24 * 3_600_000;
    server.mode = 'up';
    expect((await drainOutbox(ports)).delivered).toBe(1);
    expect(server.stored.size).toBe(1);
  });

  it('sends waiting items at once when told the network is back', async () => {
    const db = freshDb();
    const server = new ReportServer();
    server.mode = 'error-500';
    const ports = portsFor(db, server);
    await sign(db, await signedFor('case-a'));
    expect((await drainOutbox(ports)).retried).toBe(1);
    server.mode = 'up';
    expect((await drainOutbox(ports)).delivered).toBe(0);
    expect((await drainOutbox(ports, { ignoreSchedule: true })).delivered).toBe(1);
  });

  it('stores a report once when the answer was lost and the same key is sent again', async () => {
    const db = freshDb();
    const server = new ReportServer();
    server.mode = 'lose-answer';
    const ports = portsFor(db, server);
    const report = await signedFor('case-a');
    await sign(db, report);
    await drainOutbox(ports);
    server.mode = 'up';
    await drainOutbox(ports, { ignoreSchedule: true });
    expect(server.requests).toBe(2);
    expect([...server.stored.keys()]).toEqual([report.idempotencyKey]);
    expect((await db.outbox.get(report.idempotencyKey))?.state).toBe('delivered');
  });

  it('queues a report signed just before a crash that came before it was queued, with its own key', async () => {
    const db = freshDb();
    const server = new ReportServer();
    const report = await signedFor('case-a');
    await storeSignedReport(db, report, 'draft:case-a');
    expect(await db.outbox.count()).toBe(0);
    expect((await drainOutbox(portsFor(db, server))).delivered).toBe(1);
    expect([...server.stored.keys()]).toEqual([report.idempotencyKey]);
  });

  it('sends again an item found `sending` at start (the page died mid-request)', async () => {
    const db = freshDb();
    const server = new ReportServer();
    const report = await signedFor('case-a');
    await sign(db, report);
    const row = (await db.outbox.get(report.idempotencyKey))!;
    await db.outbox.put({ ...row, state: 'sending', attempts: 1 });
    expect((await drainOutbox(portsFor(db, server))).delivered).toBe(1);
    expect((await db.outbox.get(report.idempotencyKey))?.attempts).toBe(2);
  });

  it('keeps a refused report as failed with the reason, never retried nor dropped, and its case is not evicted', async () => {
    const db = freshDb();
    const server = new ReportServer();
    server.mode = 'reject-422';
    const report = await signedFor('case-a');
    await sign(db, report);
    const r = await drainOutbox(portsFor(db, server));
    expect(r).toMatchObject({ rejected: 1, nextDueAt: null });
    await drainOutbox(portsFor(db, server), { ignoreSchedule: true });
    expect(server.requests).toBe(1);
    const row = (await db.outbox.get(report.idempotencyKey))!;
    expect(row.state).toBe('failed');
    expect((row.payload as { lastError: { message: string } }).lastError.message).toMatch(
      /does not match/,
    );
    expect(await new DexieSyncStore(db).holdsUnsentReport('case-a')).toBe(true);
  });

  it('marks an item it cannot read as failed and keeps it', async () => {
    const db = freshDb();
    const server = new ReportServer();
    const row: OutboxRow = {
      idempotencyKey: 'odd',
      caseId: 'case-a',
      reportId: 'r',
      state: 'pending',
      attempts: 0,
      createdAt: 1,
      payload: null,
    };
    await db.outbox.put(row);
    expect((await drainOutbox(portsFor(db, server))).rejected).toBe(1);
    expect((await db.outbox.get('odd'))?.state).toBe('failed');
    expect(server.requests).toBe(0);
  });

  it('classifies answers: 409 and 422 are final, 5xx and no answer are retried, 401 waits for sign-in', () => {
    const p = { code: 'x', message: 'x' };
    expect(classifySubmitFailure(409, p).kind).toBe('rejected');
    expect(classifySubmitFailure(422, p).kind).toBe('rejected');
    expect(classifySubmitFailure(503, p)).toMatchObject({ kind: 'retry', offline: true });
    expect(classifySubmitFailure(500, p).kind).toBe('retry');
    expect(classifySubmitFailure(undefined, p)).toMatchObject({ kind: 'retry', offline: true });
    expect(classifySubmitFailure(401, p).kind).toBe('retry');
  });

  it('the runner drains what is queued while it runs and retries on its own timer', async () => {
    const db = freshDb();
    const server = new ReportServer();
    server.mode = 'error-500';
    const ports: OutboxPorts = {
      ...portsFor(db, server),
      now: () => Date.now(),
      backoff: { baseMs: 20, maxMs: 40 },
    };
    const errors: unknown[] = [];
    const runner = new OutboxRunner(
      ports,
      { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as never) },
      (e) => errors.push(e),
    );
    runner.start();
    await sign(db, await signedFor('case-a', 1), Date.now());
    runner.nudge();
    await sign(db, await signedFor('case-b', 2), Date.now());
    runner.nudge();
    await runner.idle();
    expect(server.requests).toBeGreaterThan(0);
    server.mode = 'up';
    await expect
      .poll(async () => (await db.outbox.toArray()).map((r) => r.state), { timeout: 2_000 })
      .toEqual(['delivered', 'delivered']);
    await runner.stop();
    expect(server.stored.size).toBe(2);
    expect(errors).toEqual([]);
  });
});
