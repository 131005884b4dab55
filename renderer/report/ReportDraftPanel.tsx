import { useEffect, useId, useRef, useState } from 'react';
import { cacheDb } from '../app/local-cache.ts';
import { loadDraft, saveDraft } from './draft-store.ts';

type Saving =
  | { state: 'loading' }
  | { state: 'saved'; at: number | null }
  | { state: 'saving' }
  | { state: 'error' };

/**
 * A minimal report draft beside the images: free text that autosaves to this workstation on
 * every change and is there again after a reload, offline included. Signing and delivery come
 * with the structured report editor.
 */
export function ReportDraftPanel({ caseId }: { caseId: string }) {
  const [text, setText] = useState<string | null>(null);
  const [saving, setSaving] = useState<Saving>({ state: 'loading' });
  // Saves run one after another, so the last change is the one that stays.
  const chain = useRef<Promise<void>>(Promise.resolve());
  const latest = useRef(0);
  const id = useId();

  useEffect(() => {
    let cancelled = false;
    loadDraft(cacheDb(), caseId).then(
      (draft) => {
        if (cancelled) return;
        setText(draft?.text ?? '');
        setSaving({ state: 'saved', at: null });
      },
      (err: unknown) => {
        console.error('report: could not read the draft', err);
        if (cancelled) return;
        setText('');
        setSaving({ state: 'error' });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [caseId]);

  function change(next: string) {
    setText(next);
    setSaving({ state: 'saving' });
    const version = ++latest.current;
    chain.current = chain.current
      .then(() => saveDraft(cacheDb(), caseId, { text: next }))
      .then(
        () => {
          if (version === latest.current) setSaving({ state: 'saved', at: Date.now() });
        },
        (err: unknown) => {
          console.error('report: could not save the draft', err);
          if (version === latest.current) setSaving({ state: 'error' });
        },
      );
  }

  return (
    <aside className="report-panel" aria-label="Report">
      <div className="report-heading">
        <h3>
          <label htmlFor={id}>Report</label>
        </h3>
        <span className="report-status" data-testid="report-status">
          draft
        </span>
        <span className="muted small" data-testid="report-saved" data-save-state={saving.state}>
          {saving.state === 'saving'
            ? 'Saving…'
            : saving.state === 'error'
              ? 'Not saved — the local cache cannot be written'
              : saving.state === 'saved' && saving.at !== null
                ? `Saved ${new Date(saving.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`
                : saving.state === 'saved'
                  ? 'Saved on this workstation'
                  : ''}
        </span>
      </div>
      {text === null ? (
        <p className="muted">Reading the draft…</p>
      ) : (
        <textarea
          id={id}
          data-testid="report-editor"
          className="report-editor"
          spellCheck
          placeholder="Findings, impression…"
          value={text}
          onChange={(e) => change(e.target.value)}
        />
      )}
    </aside>
  );
}
