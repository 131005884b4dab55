import type { TandemDb } from '../cache/db.ts';
import type { OutboxRow } from '../cache/rows.ts';
import { StoredSignedReport, type OutboxPayload, type OutboxStore } from './outbox.ts';

/**
 * The outbox over the cache (`signedReports` and `outbox` tables). Signing stores the report
 * first (`storeSignedReport`, which also removes the draft), then queues it
 * (`queueSignedReport`); a crash in between is repaired by `enqueueOrphans`, with the key given
 * at signing. Nothing here ever overwrites a signed report or an existing outbox item's state.
 */

function outboxRowOf(stored: StoredSignedReport, now: number): OutboxRow {
  const payload: OutboxPayload = {
    signed: stored.signed,
    nextAttemptAt: now,
    lastError: null,
    deliveredAt: null,
  };
  return {
    idempotencyKey: stored.idempotencyKey,
    caseId: stored.signed.document.caseId,
    reportId: stored.signed.document.reportId,
    state: 'pending',
    attempts: 0,
    createdAt: now,
    payload,
  };
}

/** Keeps a signed report (immutable: a second store of the same id is refused) and drops the draft it came from. */
export async function storeSignedReport(
  db: TandemDb,
  stored: StoredSignedReport,
  draftId: string,
): Promise<void> {
  const checked = StoredSignedReport.parse(stored);
  const doc = checked.signed.document;
  await db.transaction('rw', [db.signedReports, db.drafts], async () => {
    // `add`, not `put`: a signed report is never replaced
    await db.signedReports.add({
      reportId: doc.reportId,
      caseId: doc.caseId,
      signedAt: Date.parse(doc.signedAt),
      document: checked,
    });
    await db.drafts.delete(draftId);
  });
}

/** Puts a stored signed report in the outbox, unless it is there already. */
export async function queueSignedReport(
  db: TandemDb,
  stored: StoredSignedReport,
  now: number,
): Promise<void> {
  await db.transaction('rw', [db.outbox], async () => {
    if (await db.outbox.get(stored.idempotencyKey)) return;
    await db.outbox.add(outboxRowOf(stored, now));
  });
}

export class DexieOutboxStore implements OutboxStore {
  private readonly db: TandemDb;

  constructor(db: TandemDb) {
    this.db = db;
  }

  async enqueueOrphans(now: number): Promise<number> {
    const { db } = this;
    return db.transaction('rw', [db.signedReports, db.outbox], async () => {
      let added = 0;
      const rows = await db.signedReports.toArray();
      for (const row of rows) {
        const parsed = StoredSignedReport.safeParse(row.document);
        if (!parsed.success) continue;
        if (await db.outbox.get(parsed.data.idempotencyKey)) continue;
        await db.outbox.add(outboxRowOf(parsed.data, now));
        added++;
      }
      return added;
    });
  }

  async unsent(): Promise<OutboxRow[]> {
    const rows = await this.db.outbox.where('state').anyOf(['pending', 'sending']).toArray();
    return rows.sort((a, b) => a.createdAt - b.createdAt);
  }

  async save(item: OutboxRow): Promise<void> {
    await this.db.outbox.put(item);
  }
}
