import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useState } from 'react';
import { SignedReportSummary, type AssignmentKind } from '../../shared/domain/case.ts';
import { StoredSignedReport } from '../../shared/report/outbox.ts';
import { useConnection } from '../app/connection-store.ts';
import { openOutboxRows, openSignedReportRows } from '../../shared/report/outbox-store.ts';
import { cacheCipher } from '../app/cache-key.ts';
import { cacheDb } from '../app/local-cache.ts';
import { useServices } from '../app/services.ts';
import { userMessage } from '../app/user-message.ts';
import { reportStatusOf } from '../report/report-status.ts';
import { ConcordanceForm } from './ConcordanceForm.tsx';
import { ReportComparison } from './ReportComparison.tsx';

/**
 * The original report of a second opinion (`original-report`). Blinded: nothing of it — not its
 * text, not its author — is on this workstation until the reader's own report has been signed
 * and delivered; then it is fetched once into the cache's `originalReports` table and shown
 * beside the reader's own read, with the structured diff and the concordance form.
 * A peer review is not blinded: its original is fetched at once.
 */
export function OriginalReportPanel({ caseId, kind }: { caseId: string; kind: AssignmentKind }) {
  const { api } = useServices();
  const connection = useConnection();
  const db = cacheDb();
  const cachedRow = useLiveQuery(() => db.originalReports.get(caseId), [caseId]);
  const signedRows = useLiveQuery(
    async () =>
      openSignedReportRows(
        await db.signedReports.where('caseId').equals(caseId).sortBy('signedAt'),
        await cacheCipher(),
      ),
    [caseId],
  );
  const outboxRows = useLiveQuery(
    async () =>
      openOutboxRows(await db.outbox.where('caseId').equals(caseId).toArray(), await cacheCipher()),
    [caseId],
  );
  const [problem, setProblem] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  const own = useMemo(() => {
    const first = signedRows?.[0];
    if (!first) return null;
    const parsed = StoredSignedReport.safeParse(first.document);
    return parsed.success ? parsed.data : null;
  }, [signedRows]);
  const outbox = own ? outboxRows?.find((o) => o.idempotencyKey === own.idempotencyKey) : undefined;
  const status = reportStatusOf(own !== null, outbox).status;
  const released = kind === 'peer-review' || status === 'delivered';
  const original = useMemo(() => {
    const parsed = SignedReportSummary.safeParse(cachedRow?.report);
    return parsed.success ? parsed.data : null;
  }, [cachedRow]);

  useEffect(() => {
    if (!released || cachedRow !== undefined || connection !== 'online') return;
    let cancelled = false;
    api.originalReport(caseId).then(
      async ({ report }) => {
        if (cancelled) return;
        await db.originalReports.put({ caseId, fetchedAt: Date.now(), report });
      },
      (err: unknown) => !cancelled && setProblem(userMessage(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [released, cachedRow, connection, api, caseId, db]);

  if (!original) {
    return (
      <section className="original-report" data-testid="original-report" data-state="hidden">
        <h3>Original report</h3>
        <p>
          {released
            ? 'Fetching the original report…'
            : 'Original report hidden until you sign your own report.'}
        </p>
        {!released && (
          <p className="muted small">
            The first reader and their report stay hidden so that your read is independent.
          </p>
        )}
        {problem && released && (
          <p className="field-error" role="alert">
            {problem}
          </p>
        )}
      </section>
    );
  }

  return (
    <section className="original-report" data-testid="original-report" data-state="released">
      <h3>Original report</h3>
      <p className="muted small">
        {original.authorDisplayName} · signed {original.signedAt.slice(0, 10)}
      </p>
      <pre data-testid="original-report-text">{original.text}</pre>
      {own && (
        <button type="button" data-testid="compare-reads" onClick={() => setOpen(true)}>
          Compare side by side
        </button>
      )}
      {open && own && (
        <div
          className="second-opinion-dialog"
          role="dialog"
          aria-label="Original report and your read"
          data-testid="second-opinion-compare"
        >
          <button type="button" className="close" onClick={() => setOpen(false)}>
            Close
          </button>
          <ReportComparison
            first={{ title: 'Original report', text: original.text }}
            second={{ title: 'Your read', text: own.text }}
          />
          {kind === 'second-opinion' && <ConcordanceForm caseId={caseId} />}
        </div>
      )}
    </section>
  );
}
