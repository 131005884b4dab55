import { useMemo } from 'react';
import { diffReports, type WordOp } from '../../shared/report/report-diff.ts';
import './comparison.css';

export interface ComparedRead {
  title: string;
  text: string;
}

/** Word ops of one side: the common words plus what only this side says, highlighted. */
function Side({ ops, side }: { ops: WordOp[]; side: 'removed' | 'added' }) {
  return (
    <pre className="report-text comparison-text">
      {ops
        .filter((o) => o.op === 'same' || o.op === side)
        .map((o, i) =>
          o.op === 'same' ? (
            <span key={i}>{side === 'removed' ? (o.first ?? o.text) : o.text} </span>
          ) : (
            <mark key={i} className={`diff-${side}`} data-testid={`diff-${side}`}>
              {o.text}{' '}
            </mark>
          ),
        )}
    </pre>
  );
}

/**
 * Two reads of one study side by side with a structured diff: findings only one read reports,
 * measurements and assessment categories that differ, and the impression word by word. Used by
 * the second reader after signing and by the QA reviewer.
 */
export function ReportComparison({ first, second }: { first: ComparedRead; second: ComparedRead }) {
  const diff = useMemo(() => diffReports(first.text, second.text), [first.text, second.text]);
  return (
    <div className="report-comparison" data-testid="report-comparison">
      <section className="diff-summary" data-testid="report-diff" aria-label="Differences">
        <h4>Differences</h4>
        {diff.identical && <p data-testid="diff-identical">No structured differences.</p>}
        <ul>
          {diff.findings.map((f) => (
            <li
              key={`f-${f.finding}`}
              data-testid="diff-finding"
              data-finding={f.finding}
              data-present-in={f.presentIn}
            >
              <strong>{f.finding}</strong> only in{' '}
              {f.presentIn === 'first' ? first.title : second.title}: <q>{f.sentence}</q>
            </li>
          ))}
          {diff.measurements.map((m) => (
            <li key={`m-${m.finding}`} data-testid="diff-measurement" data-finding={m.finding}>
              <strong>{m.finding}</strong>: {m.first} mm → {m.second} mm ({m.percent > 0 ? '+' : ''}
              {m.percent} %)
            </li>
          ))}
          {diff.categories.map((c) => (
            <li key={`c-${c.system}`} data-testid="diff-category" data-system={c.system}>
              <strong>{c.system}</strong>: {c.first ?? '—'} → {c.second ?? '—'}
            </li>
          ))}
        </ul>
        <div className="diff-impression" data-testid="diff-impression">
          <span className="muted small">Impression, word by word:</span>{' '}
          {diff.impression.map((o, i) =>
            o.op === 'same' ? (
              <span key={i}>{o.text} </span>
            ) : o.op === 'removed' ? (
              <del key={i} className="diff-removed">
                {o.text}{' '}
              </del>
            ) : (
              <ins key={i} className="diff-added">
                {o.text}{' '}
              </ins>
            ),
          )}
        </div>
      </section>
      <div className="comparison-columns">
        <section data-testid="comparison-first" aria-label={first.title}>
          <h4>{first.title}</h4>
          <Side ops={diff.text} side="removed" />
        </section>
        <section data-testid="comparison-second" aria-label={second.title}>
          <h4>{second.title}</h4>
          <Side ops={diff.text} side="added" />
        </section>
      </div>
    </div>
  );
}
