import { useId, useState, type FormEvent } from 'react';
import { displayWarnings } from '../../shared/display/display-requirements.ts';
import {
  evaluateTg18Ln,
  TG18_LN_LEVELS,
  tg18LnDdl,
  type DisplayClass,
  type Tg18Result,
} from '../../shared/display/tg18.ts';
import { getHost } from '../host/get-host.ts';
import { userMessage } from '../app/user-message.ts';
import { displayQaHost } from './display-qa-host.ts';
import { useDisplayQa } from './use-display-qa.ts';

const EMPTY_READINGS = Array.from({ length: TG18_LN_LEVELS }, () => '');

/**
 * Display QA: each display's resolution, scale and colour depth with what it falls short of,
 * the TG18-QC style pattern on a chosen display, and the TG18-LN photometer readings checked
 * against the GSDF, recorded with the date.
 */
export function DisplayQaPage() {
  const qa = useDisplayQa();
  const [displayId, setDisplayId] = useState<string | null>(null);
  const [displayClass, setDisplayClass] = useState<DisplayClass>('primary');
  const [readings, setReadings] = useState<string[]>(EMPTY_READINGS);
  const [ambient, setAmbient] = useState('0');
  const [result, setResult] = useState<Tg18Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();

  if (!qa) return <p className="muted pad">Reading the displays…</p>;
  const chosen = qa.displays.find((d) => d.id === displayId) ?? qa.displays[0];

  async function showPattern(target: string) {
    try {
      await displayQaHost(getHost()).showTestPattern(target);
    } catch (err) {
      setError(userMessage(err));
    }
  }

  async function evaluate(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setResult(null);
    if (!chosen) return;
    const values = readings.map((r) => Number(r.replace(',', '.')));
    const ambientValue = Number(ambient.replace(',', '.') || '0');
    if (values.some((v) => !Number.isFinite(v) || v <= 0)) {
      setError(`Enter all ${TG18_LN_LEVELS} readings in cd/m², each above 0.`);
      return;
    }
    if (!Number.isFinite(ambientValue) || ambientValue < 0) {
      setError('Enter the ambient luminance in cd/m² (0 if the readings include it).');
      return;
    }
    const evaluated = evaluateTg18Ln(values, displayClass, ambientValue);
    try {
      await displayQaHost(getHost()).saveRecord({
        displayId: chosen.id,
        displayLabel: chosen.label,
        testedAt: new Date().toISOString(),
        displayClass,
        readings: values,
        ambient: ambientValue,
        pass: evaluated.pass,
        maxDeviation: evaluated.maxDeviation,
        luminanceRatio: evaluated.luminanceRatio,
      });
    } catch (err) {
      setError(`The result could not be recorded: ${userMessage(err)}`);
    }
    setResult(evaluated);
    qa?.reload();
  }

  return (
    <main className="display-qa" data-testid="display-qa">
      <div className="toolbar">
        <h2>Display QA</h2>
        <span className="spacer" />
        <a href="#/worklist">Back to the worklist</a>
      </div>
      <section aria-label="Displays">
        <table className="worklist">
          <thead>
            <tr>
              <th>Display</th>
              <th>Resolution</th>
              <th>Scale</th>
              <th>Colour depth</th>
              <th>Last QA</th>
              <th>Notes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {qa.displays.map((d) => {
              const last = qa.records.filter((r) => r.displayId === d.id).at(-1);
              const overdue = qa.overdue.some((o) => o.id === d.id);
              return (
                <tr key={d.id} data-testid="display-qa-display" data-display-id={d.id}>
                  <td>{d.label}</td>
                  <td>
                    {d.width} × {d.height} ({((d.width * d.height) / 1e6).toFixed(1)} MP)
                  </td>
                  <td>{d.scaleFactor}</td>
                  <td>{d.colorDepth}-bit</td>
                  <td>
                    {last
                      ? `${new Date(last.testedAt).toLocaleDateString()} · ${last.pass ? 'pass' : 'fail'}`
                      : 'never'}
                    {overdue && <span className="badge warn">overdue</span>}
                  </td>
                  <td>
                    {displayWarnings(d).map((w) => (
                      <p key={w} className="muted">
                        {w}
                      </p>
                    ))}
                  </td>
                  <td>
                    <button type="button" onClick={() => void showPattern(d.id)}>
                      Show test pattern
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      <form className="display-qa-form" onSubmit={evaluate} aria-label="TG18-LN readings">
        <h3>TG18-LN photometer readings</h3>
        <p className="muted">
          Show each TG18-LN level on the display and enter the luminance measured at its centre, in
          cd/m², from black (level 1) to white (level {TG18_LN_LEVELS}).
        </p>
        <div className="display-qa-settings">
          <label htmlFor={`${id}-display`}>Display</label>
          <select
            id={`${id}-display`}
            value={chosen?.id ?? ''}
            onChange={(e) => setDisplayId(e.target.value)}
          >
            {qa.displays.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-class`}>Display class</label>
          <select
            id={`${id}-class`}
            value={displayClass}
            onChange={(e) => setDisplayClass(e.target.value as DisplayClass)}
          >
            <option value="primary">Primary (diagnostic)</option>
            <option value="secondary">Secondary</option>
          </select>
          <label htmlFor={`${id}-ambient`}>Ambient luminance (cd/m²)</label>
          <input
            id={`${id}-ambient`}
            inputMode="decimal"
            value={ambient}
            onChange={(e) => setAmbient(e.target.value)}
          />
        </div>
        <div className="display-qa-readings">
          {readings.map((value, i) => (
            <label key={i}>
              Level {i + 1} (DDL {tg18LnDdl(i)})
              <input
                inputMode="decimal"
                value={value}
                onChange={(e) => {
                  const next = [...readings];
                  next[i] = e.target.value;
                  setReadings(next);
                  setResult(null);
                }}
              />
            </label>
          ))}
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Evaluate and record
        </button>
      </form>

      {result && (
        <section
          className="display-qa-result"
          data-testid="display-qa-result"
          data-result={result.pass ? 'pass' : 'fail'}
          aria-live="polite"
        >
          <h3>{result.pass ? 'pass' : 'fail'}</h3>
          <p>
            Largest deviation of the contrast response from the GSDF:{' '}
            {(result.maxDeviation * 100).toFixed(1)} % (allowed{' '}
            {result.displayClass === 'primary' ? 10 : 20} %). Luminance ratio Lmax/Lmin:{' '}
            {result.luminanceRatio.toFixed(0)} (Lmin {result.lmin.toFixed(2)}, Lmax{' '}
            {result.lmax.toFixed(1)} cd/m²).
          </p>
          {result.failures.map((f) => (
            <p key={f} className="form-error">
              {f}
            </p>
          ))}
        </section>
      )}
    </main>
  );
}
