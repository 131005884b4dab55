// Bundled for the page by `bench/browser/report-queue.ts` (not imported by the harness): signs
// reports as the renderer's `signAndQueue` does (shared signing and outbox code, the enrolled
// workstation key from this profile) and queues them in the page's cache, where the sync worker's
// outbox picks them up.
import { TandemDb } from '../../shared/cache/db.ts';
import { renderReportText, type ReportDocument } from '../../shared/report/document.ts';
import { queueSignedReport, storeSignedReport } from '../../shared/report/outbox-store.ts';
import type { StoredSignedReport } from '../../shared/report/outbox.ts';
import { signReport, type WebCryptoKey } from '../../shared/report/signing.ts';
import type { ReportTemplate } from '../../shared/report/template.ts';

interface Entry {
  key: string;
  value: unknown;
}

function workstationEntries(): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('tandem-workstation');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('entries').objectStore('entries').getAll();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        db.close();
        resolve(req.result as Entry[]);
      };
    };
  });
}

async function queueReports(args: {
  caseIds: string[];
  template: ReportTemplate;
}): Promise<{ ms: number; queued: number }> {
  const entries = await workstationEntries();
  const remembered = entries.find((e) => e.key === 'signed-in-user')?.value as
    { user: { id: string; displayName: string } } | undefined;
  if (!remembered) throw new Error('nobody is signed in on this page');
  const user = remembered.user;
  const keyEntry = entries.find((e) => e.key === `workstation-key:${user.id}`)?.value as
    { privateKey: WebCryptoKey; keyId: string | null } | undefined;
  if (!keyEntry?.keyId) throw new Error('the workstation key is not enrolled yet');
  const db = new TandemDb();
  const started = performance.now();
  for (const caseId of args.caseIds) {
    const content = {
      templateId: args.template.id,
      templateVersion: args.template.version,
      caseId,
      values: { findings: `Bench report for ${caseId}: no acute findings.` },
      measurements: [],
      impression: 'No acute abnormality.',
      critical: null,
    };
    const document: ReportDocument = {
      reportId: crypto.randomUUID(),
      caseId,
      author: { userId: user.id, displayName: user.displayName },
      signedAt: new Date().toISOString(),
      content,
      keyId: keyEntry.keyId,
    };
    const signed = await signReport(document, keyEntry.privateKey);
    const stored: StoredSignedReport = {
      signed,
      idempotencyKey: crypto.randomUUID(),
      text: renderReportText(content, args.template),
    };
    await storeSignedReport(db, stored, `draft:${caseId}`);
    await queueSignedReport(db, stored, Date.now());
  }
  const ms = performance.now() - started;
  db.close();
  return { ms, queued: args.caseIds.length };
}

(window as unknown as { tandemBenchReports: unknown }).tandemBenchReports = { queueReports };
