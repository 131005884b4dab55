import type { User } from '../../shared/api/contract.ts';
import type { ApiClient } from '../../shared/api/client.ts';
import type { TandemDb } from '../../shared/cache/db.ts';
import {
  renderReportText,
  type ReportContent,
  type ReportDocument,
} from '../../shared/report/document.ts';
import type { StoredSignedReport } from '../../shared/report/outbox.ts';
import { queueSignedReport, storeSignedReport } from '../../shared/report/outbox-store.ts';
import { signReport } from '../../shared/report/signing.ts';
import type { ReportTemplate } from '../../shared/report/template.ts';
import { cacheCipher } from '../app/cache-key.ts';
import { draftIdOf } from './draft-store.ts';
import { signingKey } from './workstation-key.ts';

/**
 * Signs a report and hands it to the outbox: the document (with a fresh report id, the author,
 * the time and the enrolled key's id) is signed over its canonical JSON, stored in the cache as
 * the case's immutable signed report (the draft goes in the same transaction), and only then
 * queued, with the idempotency key it keeps for every retry. An addendum goes the same way, with
 * `amends` set. The caller validated the content.
 */
export async function signAndQueue(args: {
  db: TandemDb;
  api: ApiClient;
  user: User;
  content: ReportContent;
  template: ReportTemplate;
  /** for an addendum: the hash of the signed report it amends */
  amends?: string | undefined;
}): Promise<StoredSignedReport> {
  const { db, api, user, content, template, amends } = args;
  const { privateKey, keyId } = await signingKey(api, user);
  const document: ReportDocument = {
    reportId: crypto.randomUUID(),
    caseId: content.caseId,
    author: { userId: user.id, displayName: user.displayName },
    signedAt: new Date().toISOString(),
    content,
    keyId,
    ...(amends !== undefined ? { amends } : {}),
  };
  const signed = await signReport(document, privateKey);
  const stored: StoredSignedReport = {
    signed,
    idempotencyKey: crypto.randomUUID(),
    text: renderReportText(content, template),
  };
  // sealed at rest with the workstation key, as the draft was
  const cipher = await cacheCipher();
  await storeSignedReport(db, stored, draftIdOf(content.caseId), cipher);
  await queueSignedReport(db, stored, Date.now(), cipher);
  return stored;
}
