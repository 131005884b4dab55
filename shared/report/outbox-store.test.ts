import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { aesGcmCipher, generateCacheKey, PLAIN_CIPHER } from '../cache/at-rest-cipher.ts';
import { TandemDb } from '../cache/db.ts';
import { drainOutbox, type OutboxItem, type StoredSignedReport } from './outbox.ts';
import {
  DexieOutboxStore,
  openOutboxRows,
  openSignedReportRows,
  queueSignedReport,
  storeSignedReport,
} from './outbox-store.ts';
import {
  canonicalJson,
  exportPublicKeyJwk,
  generateWorkstationKey,
  signReport,
  verifySignedReport,
} from './signing.ts';
import { ctChestContent, measurement, reportDocument } from './test-support/report-fixtures.ts';

let dbCount = 0;
const freshDb = () => new TandemDb(`outbox-sealed-${++dbCount}`);
const keys = generateWorkstationKey();

/** A report written offline: measurements with awkward numbers, text with quotes and accents. */
async function signedReport(caseId = 'case-sealed'): Promise<StoredSignedReport> {
  const content = ctChestContent(caseId, [
    measurement({
      annotationId: 'm-1',
      caseId,
      values: [{ name: 'length', value: 0.1 + 0.2, unit: 'mm' }],
      points: [
        [-0.1 + 0.2, 1e-7, 123.456789012345],
        [-0, 5e-324, 1.7976931348623157e308],
      ],
    }),
  ]);
  content.impression = 'Nodule "grown" since the prior — déjà vu, 0.30000000000000004 cm.';
  const signed = await signReport(reportDocument(content), (await keys).privateKey);
  return { signed, idempotencyKey: `idem-${signed.document.reportId}`, text: 'Findings: nodule.' };
}

/** What goes on the wire (JSON): `-0` is `0` there, in canonical JSON and after sealing alike. */
const asSent = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Every string and byte of a stored value as text, to look for words in it. */
function storedText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    return Object.values(value as Record<string, unknown>)
      .map(storedText)
      .join(' ');
  }
  return String(value);
}

describe('signed reports and the outbox at rest', () => {
  it('keeps no report text in clear in the signed report nor its outbox item, and the ids the cache indexes stay readable', async () => {
    const db = freshDb();
    const cipher = aesGcmCipher(await generateCacheKey());
    const stored = await signedReport();
    await storeSignedReport(db, stored, 'draft:case-sealed', cipher);
    await queueSignedReport(db, stored, 1_000, cipher);
    const [signedRow] = await db.signedReports.toArray();
    const [outboxRow] = await db.outbox.toArray();
    expect(signedRow).toMatchObject({
      reportId: stored.signed.document.reportId,
      caseId: 'case-sealed',
    });
    expect(outboxRow).toMatchObject({ idempotencyKey: stored.idempotencyKey, state: 'pending' });
    for (const text of [storedText(signedRow!.document), storedText(outboxRow!.payload)]) {
      expect(text).toContain('TDM1');
      for (const word of ['nodule', 'Nodule', 'Lovelace', 'Findings', stored.signed.signature]) {
        expect(text).not.toContain(word);
      }
    }
  });

  it('opens a sealed report as the very report that was signed: same canonical JSON, and its signature verifies', async () => {
    const db = freshDb();
    const cipher = aesGcmCipher(await generateCacheKey());
    const stored = await signedReport();
    await storeSignedReport(db, stored, 'draft:case-sealed', cipher);
    await queueSignedReport(db, stored, 1_000, cipher);
    const [opened] = await openSignedReportRows(await db.signedReports.toArray(), cipher);
    expect(opened!.document).toEqual(asSent(stored));
    expect(canonicalJson(opened!.document)).toBe(canonicalJson(stored));
    const back = (opened!.document as StoredSignedReport).signed;
    expect(canonicalJson(back.document)).toBe(canonicalJson(stored.signed.document));
    const jwk = await exportPublicKeyJwk((await keys).publicKey);
    expect(await verifySignedReport(back, jwk)).toEqual({ ok: true });

    // the worker's outbox sends it opened, and it verifies there too
    const sent: OutboxItem[] = [];
    const result = await drainOutbox({
      store: new DexieOutboxStore(db, () => Promise.resolve(cipher)),
      submit: (item) => {
        sent.push(item);
        return Promise.resolve({ kind: 'delivered' });
      },
      now: () => 2_000,
      random: { next: () => 0.5 },
    });
    expect(result.delivered).toBe(1);
    expect(sent[0]!.payload.signed).toEqual(asSent(stored.signed));
    expect(await verifySignedReport(sent[0]!.payload.signed, jwk)).toEqual({ ok: true });
    // delivered, and still sealed at rest
    const [row] = await db.outbox.toArray();
    expect(row!.state).toBe('delivered');
    expect(storedText(row!.payload)).not.toContain(stored.signed.signature);
    const [openedRow] = await openOutboxRows([row!], cipher);
    expect(openedRow!.payload).toMatchObject({ deliveredAt: 2_000, signed: asSent(stored.signed) });
  });

  it('re-creates a lost outbox item from a sealed signed report, sealed too', async () => {
    const db = freshDb();
    const cipher = aesGcmCipher(await generateCacheKey());
    const stored = await signedReport();
    await storeSignedReport(db, stored, 'draft:case-sealed', cipher);
    const store = new DexieOutboxStore(db, () => Promise.resolve(cipher));
    expect(await store.enqueueOrphans(5)).toBe(1);
    expect(await store.enqueueOrphans(6)).toBe(0);
    const [row] = await db.outbox.toArray();
    expect(row!.idempotencyKey).toBe(stored.idempotencyKey);
    expect(storedText(row!.payload)).toContain('TDM1');
    const [unsent] = await store.unsent();
    expect(unsent!.payload).toMatchObject({ signed: asSent(stored.signed), nextAttemptAt: 5 });
  });

  it('reads reports stored plain, and leaves one it cannot open waiting rather than marking it unreadable', async () => {
    const db = freshDb();
    const plain = await signedReport('case-plain');
    await storeSignedReport(db, plain, 'draft:case-plain');
    await queueSignedReport(db, plain, 1_000);
    const cipher = aesGcmCipher(await generateCacheKey());
    const [openedPlain] = await openSignedReportRows(await db.signedReports.toArray(), cipher);
    expect(openedPlain!.document).toEqual(plain);

    const sealed = await signedReport('case-other-key');
    const other = aesGcmCipher(await generateCacheKey());
    await storeSignedReport(db, sealed, 'draft:case-other-key', other);
    await queueSignedReport(db, sealed, 1_000, other);
    const store = new DexieOutboxStore(db, () => Promise.resolve(cipher));
    expect((await store.unsent()).map((r) => r.caseId)).toEqual(['case-plain']);
    const result = await drainOutbox({
      store,
      submit: () => Promise.resolve({ kind: 'delivered' }),
      now: () => 2_000,
      random: { next: () => 0.5 },
    });
    expect(result).toMatchObject({ delivered: 1, rejected: 0 });
    expect((await db.outbox.get(sealed.idempotencyKey))?.state).toBe('pending');
    // shown as unreadable (not as a report) to a session without its key, and kept
    const rows = await openSignedReportRows(
      await db.signedReports.where('caseId').equals('case-other-key').toArray(),
      PLAIN_CIPHER,
    );
    expect(storedText(rows[0]!.document)).toContain('TDM1');
    expect(await db.signedReports.count()).toBe(2);
  });
});
