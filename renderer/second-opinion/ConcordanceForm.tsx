import { useEffect, useState } from 'react';
import type { ConcordanceRecord } from '../../shared/api/contract.ts';
import { Concordance, CONCORDANCE_LABEL } from '../../shared/domain/radpeer.ts';
import { useServices } from '../app/services.ts';
import { ErrorLine, useSubmit } from '../qa/remote-state.tsx';

/** The second reader's concordance statement: agree / minor / major (+ urgent), with a comment. */
export function ConcordanceForm({ caseId }: { caseId: string }) {
  const { api } = useServices();
  const [saved, setSaved] = useState<ConcordanceRecord | null>(null);
  const [value, setValue] = useState<Concordance | ''>('');
  const [comment, setComment] = useState('');
  const [urgent, setUrgent] = useState(false);
  const { busy, error, run } = useSubmit();

  useEffect(() => {
    let cancelled = false;
    api.concordance(caseId).then(
      ({ concordance }) => {
        if (cancelled || !concordance) return;
        setSaved(concordance);
        setValue(concordance.concordance);
        setComment(concordance.comment);
        setUrgent(concordance.urgent);
      },
      () => undefined, // offline: the form still works once the server answers
    );
    return () => {
      cancelled = true;
    };
  }, [api, caseId]);

  async function save() {
    if (value === '') return;
    await run(async () => {
      const { concordance } = await api.recordConcordance(caseId, {
        concordance: value,
        comment,
        urgent: value === 'major' && urgent,
      });
      setSaved(concordance);
    });
  }

  return (
    <form
      className="concordance-form"
      data-testid="concordance-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h4>Concordance with the original report</h4>
      <fieldset>
        {Concordance.options.map((c) => (
          <label key={c}>
            <input
              type="radio"
              name="concordance"
              value={c}
              checked={value === c}
              onChange={() => setValue(c)}
            />{' '}
            {CONCORDANCE_LABEL[c]}
          </label>
        ))}
      </fieldset>
      <label>
        <input
          type="checkbox"
          checked={urgent && value === 'major'}
          disabled={value !== 'major'}
          onChange={(e) => setUrgent(e.target.checked)}
        />{' '}
        Flag for urgent communication
      </label>
      <textarea
        aria-label="Concordance comment"
        value={comment}
        maxLength={4000}
        onChange={(e) => setComment(e.target.value)}
      />
      <button type="submit" disabled={busy || value === ''}>
        Record concordance
      </button>
      {saved && (
        <p
          className="muted small"
          data-testid="concordance-saved"
          data-concordance={saved.concordance}
        >
          Recorded: {CONCORDANCE_LABEL[saved.concordance]}
          {saved.urgent ? ' · urgent communication flagged' : ''}
        </p>
      )}
      <ErrorLine error={error} />
    </form>
  );
}
