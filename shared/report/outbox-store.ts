import { PLAIN_CIPHER, type AtRestCipher } from '../cache/at-rest-cipher.ts';
import type { TandemDb } from '../cache/db.ts';
import type { OutboxRow, SignedReportRow } from '../cache/rows.ts';
import { StoredSignedReport, type OutboxPayload, type OutboxStore } from './outbox.ts';

/**
 * The outbox over the cache (`signedReports` and `outbox` tables). Signing stores the report
 * first (`storeSignedReport`, which also removes the draft), then queues it
 * (`queueSignedReport`); a crash in between is repaired by `enqueueOrphans`, with the key given
 * at signing. Nothing here ever overwrites a signed report or an existing outbox item's state.
 *
 * At rest a signed report (`document`) and an outbox item's `payload` are sealed with the
 * workstation key (`AtRestCipher.sealValue`); ids, case, state and times stay readable, as the
 * cache's indexes and eviction need them. Values are sealed and opened outside transactions (an
 * IndexedDB transaction does not wait for WebCrypto). Rows written plain (encryption off, or
 * before it was on) read as they are.
 */

function outboxPayloadOf(stored: StoredSignedReport, now: number): OutboxPayload {
  return { signed: stored.signed, nextAttemptAt: now, lastError: null, deliveredAt: null };
}

function outboxRowOf(stored: StoredSignedReport, now: number, payload: unknown): OutboxRow {
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
  cipher: AtRestCipher = PLAIN_CIPHER,
): Promise<void> {
  const checked = StoredSignedReport.parse(stored);
  const doc = checked.signed.document;
  const document = await cipher.sealValue(checked);
  await db.transaction('rw', [db.signedReports, db.drafts], async () => {
    // `add`, not `put`: a signed report is never replaced
    await db.signedReports.add({
      reportId: doc.reportId,
      caseId: doc.caseId,
      signedAt: Date.parse(doc.signedAt),
      document,
    });
    await db.drafts.delete(draftId);
  });
}

/** Puts a stored signed report in the outbox, unless it is there already. */
export async function queueSignedReport(
  db: TandemDb,
  stored: StoredSignedReport,
  now: number,
  cipher: AtRestCipher = PLAIN_CIPHER,
): Promise<void> {
  const payload = await cipher.sealValue(outboxPayloadOf(stored, now));
  await db.transaction('rw', [db.outbox], async () => {
    if (await db.outbox.get(stored.idempotencyKey)) return;
    await db.outbox.add(outboxRowOf(stored, now, payload));
  });
}

/**
 * Rows of `signedReports` with their `document` opened. A row that cannot be opened (its key is
 * not there) keeps its sealed document: readers then find no report in it, and it stays stored.
 */
export async function openSignedReportRows(
  rows: readonly SignedReportRow[],
  cipher: AtRestCipher,
): Promise<SignedReportRow[]> {
  return Promise.all(
    rows.map(async (row) => {
      try {
        return { ...row, document: await Promise.resolve(cipher.openValue(row.document)) };
      } catch {
        return row;
      }
    }),
  );
}

/** Rows of `outbox` with their `payload` opened; as `openSignedReportRows`. */
export async function openOutboxRows(
  rows: readonly OutboxRow[],
  cipher: AtRestCipher,
): Promise<OutboxRow[]> {
  return Promise.all(
    rows.map(async (row) => {
      try {
        return { ...row, payload: await Promise.resolve(cipher.openValue(row.payload)) };
      } catch {
        return row;
      }
    }),
  );
}

export class DexieOutboxStore implements OutboxStore {
  private readonly db: TandemDb;
  private readonly cipher: () => Promise<AtRestCipher>;

  /** `cipher`: the session's, once known (the worker learns it from the page). */
  constructor(
    db: TandemDb,
    cipher: () => Promise<AtRestCipher> = () => Promise.resolve(PLAIN_CIPHER),
  ) {
    this.db = db;
    this.cipher = cipher;
  }

  async enqueueOrphans(now: number): Promise<number> {
    const { db } = this;
    const [reports, queued] = await Promise.all([
      db.signedReports.toArray(),
      db.outbox.toCollection().primaryKeys(),
    ]);
    const known = new Set<string>(queued);
    const cipher = await this.cipher();
    const orphans: OutboxRow[] = [];
    for (const row of await openSignedReportRows(reports, cipher)) {
      const parsed = StoredSignedReport.safeParse(row.document);
      if (!parsed.success || known.has(parsed.data.idempotencyKey)) continue;
      const payload = await cipher.sealValue(outboxPayloadOf(parsed.data, now));
      orphans.push(outboxRowOf(parsed.data, now, payload));
    }
    if (!orphans.length) return 0;
    return db.transaction('rw', [db.outbox], async () => {
      let added = 0;
      for (const row of orphans) {
        // queued meanwhile (by the page): that item stands
        if (await db.outbox.get(row.idempotencyKey)) continue;
        await db.outbox.add(row);
        added++;
      }
      return added;
    });
  }

  /**
   * Unsent items with their payloads opened. One whose payload cannot be opened (no key this
   * session) is left out: it waits, stored as it is, rather than being marked unreadable.
   */
  async unsent(): Promise<OutboxRow[]> {
    const rows = await this.db.outbox.where('state').anyOf(['pending', 'sending']).toArray();
    const cipher = await this.cipher();
    const opened: OutboxRow[] = [];
    for (const row of rows) {
      try {
        opened.push({ ...row, payload: await cipher.openValue(row.payload) });
      } catch {
        // kept for a session that has the key
      }
    }
    return opened.sort((a, b) => a.createdAt - b.createdAt);
  }

  async save(item: OutboxRow): Promise<void> {
    const cipher = await this.cipher();
    await this.db.outbox.put({ ...item, payload: await cipher.sealValue(item.payload) });
  }
}
