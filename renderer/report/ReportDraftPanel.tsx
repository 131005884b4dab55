import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Measurement } from '../../shared/domain/measurement.ts';
import {
  emptyReportContent,
  measurementText,
  renderReportText,
  validateForSigning,
  type ReportContent,
  type ReportProblem,
} from '../../shared/report/document.ts';
import { addendumProblems, addendumStart, reportHistory } from '../../shared/report/addendum.ts';
import { StoredSignedReport } from '../../shared/report/outbox.ts';
import {
  chooseTemplate,
  fieldValueProblem,
  templateFields,
  type ReportTemplate,
} from '../../shared/report/template.ts';
import { openOutboxRows, openSignedReportRows } from '../../shared/report/outbox-store.ts';
import { cacheCipher } from '../app/cache-key.ts';
import { cacheDb } from '../app/local-cache.ts';
import { useServices } from '../app/services.ts';
import { useSession } from '../app/session-store.ts';
import { userMessage } from '../app/user-message.ts';
import { useHungProtocolId } from '../hanging/use-hanging.ts';
import { formatAge } from '../viewer/ClinicalContextPanel.tsx';
import { announceDraft, followDraft } from './draft-channel.ts';
import { draftIdOf, loadDraft, saveDraft } from './draft-store.ts';
import { reportTemplates } from './report-templates.ts';
import { mayAmend, reportStatusOf, type ReportStatusView } from './report-status.ts';
import { PrintableReport } from './PrintableReport.tsx';
import { fieldInputId, jumpToImage, ReportForm } from './ReportForm.tsx';
import { signAndQueue } from './sign-report.ts';
import './report-editor.css';

type Saving =
  | { state: 'loading' }
  | { state: 'saved'; at: number | null }
  | { state: 'saving' }
  | { state: 'error' };

/** A new content for another template: what fits the new one is kept. */
function switchTemplate(content: ReportContent, to: ReportTemplate): ReportContent {
  const values: ReportContent['values'] = {};
  for (const f of templateFields(to)) {
    const v = content.values[f.id];
    if (v !== undefined && v !== null && fieldValueProblem(f, v) === null) values[f.id] = v;
  }
  return {
    ...emptyReportContent(content.caseId, to),
    values,
    measurements: content.measurements,
    impression: content.impression,
    critical: content.critical,
  };
}

/**
 * The case's report (`report-editor`): while a draft, the structured form of its template with
 * the clinical context above, measurements from the viewer, a live preview of the final text
 * and the sign button; once signed, the signed text, immutable, and its delivery
 * (`report-status`: signed → queued → delivered, or error, of the newest signed version). A
 * signed report is corrected only by an addendum: "Add addendum" opens the same editor on a copy
 * of the newest version, signed as a report of its own that amends it, delivered through the same
 * outbox and shown under the original with its time. Everything is read from and written to the
 * cache; the draft (of the report or of the addendum) is saved on every change.
 */
export function ReportDraftPanel({
  caseId,
  printHeading,
}: {
  caseId: string;
  /** patient and study lines at the top of the printed report */
  printHeading?: { patient: string; study: string };
}) {
  const db = cacheDb();
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
  // after signing, a draft of the case is an addendum being written
  const hasDraft = useLiveQuery(
    () => db.drafts.get(draftIdOf(caseId)).then((row) => row !== undefined),
    [caseId],
  );
  const [adding, setAdding] = useState(false);
  const session = useSession();
  // only radiologists report; a QA reviewer or an administrator opening the case reads
  const mayReport = session.status !== 'signed-in' || session.user.role === 'radiologist';
  const parsed = useMemo(
    () =>
      (signedRows ?? []).map((row) => {
        const p = StoredSignedReport.safeParse(row.document);
        return p.success ? p.data : null;
      }),
    [signedRows],
  );
  const history = useMemo(
    () => reportHistory(parsed.filter((s): s is StoredSignedReport => s !== null)),
    [parsed],
  );
  const statusOf = (s: StoredSignedReport | null): ReportStatusView =>
    reportStatusOf(
      true,
      s ? outboxRows?.find((o) => o.idempotencyKey === s.idempotencyKey) : undefined,
    );
  const signedAny = (signedRows?.length ?? 0) > 0;
  const view = signedAny ? statusOf(history.latest) : reportStatusOf(false, undefined);
  const first = history.original ?? history.addenda[0] ?? null;
  const latest = history.latest;

  return (
    <aside className="report-panel report-editor-panel" aria-label="Report">
      <div
        className="report-editor"
        data-testid="report-editor"
        data-report-state={signedRows === undefined ? 'loading' : view.status}
      >
        <div className="report-heading">
          <h3>Report</h3>
          <span className="report-status" data-testid="report-status" data-status={view.status}>
            {view.status}
          </span>
        </div>
        {signedRows === undefined ? (
          <p className="muted">Reading the report…</p>
        ) : signedAny ? (
          <>
            {parsed.includes(null) && (
              <p className="field-error" role="alert">
                This case has a signed report this version of Tandem cannot show. It is kept; tell
                your administrator.
              </p>
            )}
            {first && <SignedReportView stored={first} view={statusOf(first)} />}
            {history.addenda
              .filter((a) => a !== first)
              .map((a, i) => (
                <SignedReportView
                  key={a.signed.hash}
                  stored={a}
                  view={statusOf(a)}
                  addendum={i + 1}
                />
              ))}
            <button
              type="button"
              data-testid="report-print"
              title="Print the signed report with its signature fingerprints, or save it as PDF"
              onClick={() => window.print()}
            >
              Print / PDF
            </button>
            <PrintableReport
              patient={printHeading?.patient ?? ''}
              study={printHeading?.study ?? ''}
              reports={[...(first ? [first] : []), ...history.addenda.filter((a) => a !== first)]}
            />
            {latest && mayReport && !mayAmend(statusOf(latest)) && (
              <p className="muted small" data-testid="addendum-unavailable">
                No addendum can be added: the server refused this report (the reason is above). Tell
                your administrator; the signed report is kept on this workstation.
              </p>
            )}
            {latest &&
              mayReport &&
              mayAmend(statusOf(latest)) &&
              (adding || hasDraft ? (
                <section className="report-addendum-editor" aria-label="Addendum">
                  <h4>Addendum</h4>
                  <DraftEditor
                    key={`addendum:${latest.signed.hash}`}
                    caseId={caseId}
                    amending={latest}
                    onDone={() => setAdding(false)}
                  />
                </section>
              ) : (
                <button
                  type="button"
                  data-testid="add-addendum"
                  title="A signed report cannot change: correct or add to it with a signed addendum"
                  onClick={() => setAdding(true)}
                >
                  Add addendum
                </button>
              ))}
          </>
        ) : mayReport ? (
          <DraftEditor caseId={caseId} />
        ) : (
          <p className="muted" data-testid="report-not-yours">
            No report signed on this workstation. Only the radiologist the case is assigned to
            writes its report.
          </p>
        )}
      </div>
    </aside>
  );
}

/** A signed report (or, with `addendum` = its position, an addendum), immutable, and its delivery. */
function SignedReportView(props: {
  stored: StoredSignedReport;
  view: ReportStatusView;
  addendum?: number;
}) {
  const { stored, view, addendum } = props;
  const { status, problem } = view;
  const doc = stored.signed.document;
  const signedAt = new Date(doc.signedAt).toLocaleString();
  return (
    <div
      className={addendum ? 'report-signed report-addendum' : 'report-signed'}
      data-testid={addendum ? 'addendum' : 'signed-report'}
      data-status={status}
      data-signed-at={doc.signedAt}
    >
      {addendum && <h4>Addendum {addendum}</h4>}
      <p className="muted small">
        Signed by {doc.author.displayName} at{' '}
        <time dateTime={doc.signedAt} data-testid="signed-at">
          {signedAt}
        </time>{' '}
        · fingerprint{' '}
        <code data-testid={addendum ? 'addendum-fingerprint' : 'report-fingerprint'}>
          {stored.signed.hash.slice(0, 16)}
        </code>
        {addendum && doc.amends && (
          <>
            {' '}
            · amends <code>{doc.amends.slice(0, 16)}</code>
          </>
        )}
      </p>
      {status === 'queued' && (
        <p className="muted small" data-testid="report-delivery">
          {problem
            ? `Waiting to send (tried ${view.attempts}×): ${problem.message}`
            : 'Sending to the server…'}
        </p>
      )}
      {status === 'signed' && <p className="muted small">Queued for sending…</p>}
      {status === 'delivered' && (
        <p className="muted small" data-testid="report-delivery">
          Delivered to the server.
        </p>
      )}
      {status === 'error' && problem && (
        <p className="field-error" role="alert" data-testid="report-delivery-error">
          The server did not accept this {addendum ? 'addendum' : 'report'}: {problem.message} It is
          kept on this workstation; tell your administrator.
        </p>
      )}
      <pre
        className="report-text"
        data-testid={addendum ? 'addendum-report-text' : 'signed-report-text'}
      >
        {stored.text}
      </pre>
      {doc.content.measurements.length > 0 && (
        <ul className="report-links">
          {doc.content.measurements.map((m) => (
            <li key={m.annotationId}>
              <button type="button" className="link" onClick={() => jumpToImage(m)}>
                {measurementText(m)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The form of a draft: the case's report, or (`amending`) an addendum to its newest signed
 * version, which starts as a copy of it, keeps its template and must change something.
 */
function DraftEditor({
  caseId,
  amending,
  onDone,
}: {
  caseId: string;
  amending?: StoredSignedReport;
  onDone?: () => void;
}) {
  const db = cacheDb();
  const { api } = useServices();
  const session = useSession();
  const templates = useMemo(() => reportTemplates(), []);
  const assignment = useLiveQuery(() => db.assignments.get(caseId), [caseId]);
  const context = useLiveQuery(() => db.contexts.get(caseId), [caseId]);
  const annotationRows = useLiveQuery(
    () => db.annotations.where('caseId').equals(caseId).toArray(),
    [caseId],
  );
  const [content, setContent] = useState<ReportContent | null | undefined>(undefined);
  const [saving, setSaving] = useState<Saving>({ state: 'loading' });
  const [problems, setProblems] = useState<ReportProblem[]>([]);
  const [signing, setSigning] = useState(false);
  const signingNow = useRef(false);
  const [signError, setSignError] = useState<string | null>(null);
  // Saves run one after another, so the last change is the one that stays.
  const chain = useRef<Promise<void>>(Promise.resolve());
  const version = useRef(0);

  // The template follows the hanging protocol hung for the case (ct-chest → CT chest), then the
  // study's modality and body part; until the reader writes, a protocol they choose changes it too.
  const protocolId = useHungProtocolId(caseId);
  const suggested = useMemo(
    () =>
      chooseTemplate(templates, {
        modalities: assignment?.modalities ?? [],
        bodyPart: assignment?.bodyPart,
        protocolId,
      }),
    [templates, assignment, protocolId],
  );

  useEffect(() => {
    let cancelled = false;
    loadDraft(db, caseId).then(
      (draft) => {
        if (cancelled) return;
        if (draft && 'report' in draft) setContent(draft.report);
        else if (draft)
          setContent({ ...emptyReportContent(caseId, suggested), impression: draft.text });
        else setContent(null);
        setSaving({ state: 'saved', at: null });
      },
      (err: unknown) => {
        console.error('report: could not read the draft', err);
        if (cancelled) return;
        setContent(null);
        setSaving({ state: 'error' });
      },
    );
    return () => {
      cancelled = true;
    };
    // the draft is read once per case; the suggestion only fills a case without one
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [db, caseId]);

  // Another window of this workstation saved the draft: take it, so this one never writes an
  // older draft over it.
  useEffect(
    () =>
      followDraft(caseId, (report) => {
        version.current++;
        setContent(report);
        setSaving({ state: 'saved', at: Date.now() });
      }),
    [caseId],
  );

  const start = useMemo(() => (amending ? addendumStart(amending) : null), [amending]);
  const current = content ?? start ?? emptyReportContent(caseId, suggested);
  const template = templates.find((t) => t.id === current.templateId) ?? suggested;
  const problemsOf = (c: ReportContent): ReportProblem[] => [
    ...validateForSigning(c, template),
    ...(amending ? addendumProblems(c, amending) : []),
  ];

  const measurements = useMemo(() => {
    const out: Measurement[] = [];
    for (const row of annotationRows ?? []) {
      const m = Measurement.safeParse(row.data);
      if (m.success && m.data.caseId === caseId) out.push(m.data);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }, [annotationRows, caseId]);
  const inReport = new Set(current.measurements.map((m) => m.annotationId));
  const available = measurements.filter((m) => !inReport.has(m.annotationId));

  function change(next: ReportContent) {
    setContent(next);
    if (problems.length) setProblems(problemsOf(next));
    setSaving({ state: 'saving' });
    const v = ++version.current;
    chain.current = chain.current
      .then(() => saveDraft(db, caseId, { report: next }))
      .then(
        () => {
          announceDraft(caseId, next);
          if (v === version.current) setSaving({ state: 'saved', at: Date.now() });
        },
        (err: unknown) => {
          console.error('report: could not save the draft', err);
          if (v === version.current) setSaving({ state: 'error' });
        },
      );
  }

  function insert(m: Measurement, fieldId: string | null) {
    const fields = templateFields(template).filter((f) => f.type === 'measurement');
    const target = fields.find((f) => f.id === fieldId) ?? fields[0];
    const values = { ...current.values };
    if (target) {
      const refs = values[target.id];
      values[target.id] = [...(Array.isArray(refs) ? refs : []), m.annotationId];
    }
    change({ ...current, values, measurements: [...current.measurements, m] });
  }

  function removeMeasurement(annotationId: string) {
    const values: ReportContent['values'] = {};
    for (const [k, v] of Object.entries(current.values)) {
      if (
        Array.isArray(v) &&
        templateFields(template).find((f) => f.id === k)?.type === 'measurement'
      ) {
        const left = v.filter((id) => id !== annotationId);
        values[k] = left.length ? left : null;
      } else values[k] = v;
    }
    change({
      ...current,
      values,
      measurements: current.measurements.filter((m) => m.annotationId !== annotationId),
    });
  }

  async function sign() {
    if (signingNow.current) return;
    setSignError(null);
    const found = problemsOf(current);
    setProblems(found);
    if (found.length) {
      const first = found[0]!;
      const el = document.querySelector<HTMLElement>(
        first.path === 'impression'
          ? '#report-impression'
          : first.path === 'critical'
            ? '[data-field-id="critical"]'
            : `#${CSS.escape(fieldInputId(first.path))}`,
      );
      el?.focus();
      return;
    }
    if (session.status !== 'signed-in') return;
    signingNow.current = true;
    setSigning(true);
    try {
      // the last draft save lands before the signed report replaces the draft
      await chain.current;
      await signAndQueue({
        db,
        api,
        user: session.user,
        content: current,
        template,
        amends: amending?.signed.hash,
      });
      onDone?.();
    } catch (err) {
      console.error('report: signing failed', err);
      setSignError(userMessage(err));
      signingNow.current = false;
      setSigning(false);
    }
  }

  async function cancelAddendum() {
    version.current++;
    await chain.current;
    await db.drafts.delete(draftIdOf(caseId));
    onDone?.();
  }

  if (content === undefined) return <p className="muted">Reading the draft…</p>;
  const preview = renderReportText(current, template);
  const addendumProblem = problems.find((p) => p.path === 'addendum');

  return (
    <div
      className="report-draft"
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void sign();
        }
      }}
    >
      <span className="muted small" data-testid="report-saved" data-save-state={saving.state}>
        {saving.state === 'saving'
          ? 'Saving…'
          : saving.state === 'error'
            ? 'Not saved — the local cache cannot be written'
            : saving.state === 'saved' && saving.at !== null
              ? `Saved ${new Date(saving.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
              : 'Saved on this workstation'}
      </span>
      {context && (
        <dl className="report-context" data-testid="report-context" aria-label="Clinical context">
          <dt>Patient</dt>
          <dd>
            {formatAge(context.context.patientAge)}, {context.context.patientSex}
          </dd>
          <dt>Reason</dt>
          <dd>{context.context.reasonForExam || '—'}</dd>
          <dt>History</dt>
          <dd>{context.context.history || '—'}</dd>
        </dl>
      )}
      {amending ? (
        // an addendum keeps the template of the report it amends
        <p className="muted small">Template: {template.name}</p>
      ) : (
        <>
          <label className="report-label" htmlFor="report-template">
            Template
          </label>
          <select
            id="report-template"
            data-testid="report-template"
            value={template.id}
            onChange={(e) => {
              const to = templates.find((t) => t.id === e.target.value);
              if (to) change(switchTemplate(current, to));
            }}
          >
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </>
      )}
      {template.macros.length > 0 && (
        <p className="muted small">
          Macros: {template.macros.map((m) => `${m.trigger} (${m.label})`).join(', ')}
        </p>
      )}
      {measurements.length > 0 && (
        <section className="report-available" aria-label="Measurements from the viewer">
          <h4>From the viewer</h4>
          <ul>
            {measurements.map((m) => (
              <li
                key={m.annotationId}
                data-testid="viewer-measurement"
                data-annotation-id={m.annotationId}
              >
                <button type="button" className="link" onClick={() => jumpToImage(m)}>
                  {measurementText(m)}
                </button>{' '}
                {inReport.has(m.annotationId) ? (
                  <span className="muted small">in the report</span>
                ) : (
                  <button
                    type="button"
                    className="small"
                    data-testid="insert-measurement"
                    onClick={() => insert(m, null)}
                  >
                    Insert{m === available.at(-1) ? ' (Alt+M)' : ''}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {/* nothing changes while the content is being signed */}
      <fieldset className="report-lock" disabled={signing}>
        <ReportForm
          template={template}
          content={current}
          problems={problems}
          onChange={change}
          available={available}
          onInsert={insert}
          onRemoveMeasurement={removeMeasurement}
        />
      </fieldset>
      <section className="report-preview-section" aria-label="Preview">
        <h4>Preview</h4>
        <pre className="report-text" data-testid="report-preview">
          {preview}
        </pre>
      </section>
      {signError && (
        <p className="field-error" role="alert" data-testid="sign-error">
          {signError}
        </p>
      )}
      {addendumProblem && (
        <p className="field-error" role="alert" data-testid="addendum-problem">
          {addendumProblem.message}
        </p>
      )}
      {problems.length > 0 && (
        <p className="field-error" role="alert" data-testid="sign-problems">
          {problems.length === 1
            ? 'One thing is missing before signing.'
            : `${problems.length} things are missing before signing.`}
        </p>
      )}
      <button
        type="button"
        className="primary"
        data-testid="sign-button"
        disabled={signing || session.status !== 'signed-in'}
        onClick={() => void sign()}
      >
        {signing ? 'Signing…' : amending ? 'Sign addendum' : 'Sign report'} <kbd>Ctrl+Enter</kbd>
      </button>
      {amending && (
        <button
          type="button"
          data-testid="cancel-addendum"
          disabled={signing}
          onClick={() => void cancelAddendum()}
        >
          Discard addendum
        </button>
      )}
    </div>
  );
}
