import type { StoredSignedReport } from '../../shared/report/outbox.ts';

/**
 * The signed report as it is printed (or saved as PDF from the print dialog): the original and its
 * addenda in order, each with its signer, time and whole signature fingerprint (the SHA-256 of
 * the signed canonical JSON), and what it amends. Hidden on screen; `@media print` shows only
 * this (report-editor.css).
 */
export function PrintableReport({
  patient,
  study,
  reports,
}: {
  patient: string;
  study: string;
  reports: readonly StoredSignedReport[];
}) {
  return (
    <article className="report-print" data-testid="report-print-view" aria-hidden="true">
      <header>
        <h1>Radiology report</h1>
        <p>{patient}</p>
        <p>{study}</p>
      </header>
      {reports.map((r, i) => {
        const doc = r.signed.document;
        return (
          <section key={r.signed.hash} data-testid="report-print-part">
            <h2>{i === 0 ? 'Report' : `Addendum ${i}`}</h2>
            <pre>{r.text}</pre>
            <dl>
              <dt>Signed by</dt>
              <dd>{doc.author.displayName}</dd>
              <dt>Signed at</dt>
              <dd>{new Date(doc.signedAt).toLocaleString()}</dd>
              <dt>Signature fingerprint (SHA-256)</dt>
              <dd>
                <code data-testid="report-print-fingerprint">{r.signed.hash}</code>
              </dd>
              {doc.amends && (
                <>
                  <dt>Amends</dt>
                  <dd>
                    <code>{doc.amends}</code>
                  </dd>
                </>
              )}
            </dl>
          </section>
        );
      })}
      <footer>Signed with ECDSA P-256 over the report&apos;s RFC 8785 canonical JSON.</footer>
    </article>
  );
}
