import { useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import {
  CommunicationMethod,
  measurementText,
  type ReportContent,
  type ReportProblem,
} from '../../shared/report/document.ts';
import type { Measurement } from '../../shared/domain/measurement.ts';
import type { FieldValue, ReportTemplate, TemplateField } from '../../shared/report/template.ts';
import { applyMacro, macroAtCaret } from './macro-expansion.ts';

/** The id of a field's input, for labels and for focusing the first invalid field. */
export function fieldInputId(fieldId: string): string {
  return `report-field-${fieldId}`;
}

const METHOD_LABEL: Record<CommunicationMethod, string> = {
  phone: 'Phone',
  'in-person': 'In person',
  'secure-message': 'Secure message',
  page: 'Page',
  other: 'Other',
};

/** Jumps the viewer to the image a measurement was made on (the viewer listens). */
export function jumpToImage(m: Measurement): void {
  window.dispatchEvent(
    new CustomEvent('tandem:jump-to-image', {
      detail: {
        seriesInstanceUid: m.seriesInstanceUid,
        sopInstanceUid: m.sopInstanceUid,
        annotationId: m.annotationId,
      },
    }),
  );
}

/** "2026-03-01T10:20:00.000Z" → "2026-03-01T11:20" in local time, for a datetime-local input. */
function toLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromLocalInput(local: string): string {
  if (!local) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

function Problems({ problems, path }: { problems: readonly ReportProblem[]; path: string }) {
  const mine = problems.filter((p) => p.path === path);
  if (mine.length === 0) return null;
  return (
    <>
      {mine.map((p, i) => (
        <p key={i} className="field-error" role="alert" data-testid="field-error" data-field={path}>
          {p.message}
        </p>
      ))}
    </>
  );
}

interface FormProps {
  template: ReportTemplate;
  content: ReportContent;
  problems: readonly ReportProblem[];
  onChange: (next: ReportContent) => void;
  /** measurements of the case the report does not hold yet, newest last */
  available: readonly Measurement[];
  onInsert: (m: Measurement, fieldId: string | null) => void;
  onRemoveMeasurement: (annotationId: string) => void;
}

/**
 * The report as a form: each template section's fields in order (tab goes through them), the
 * impression, the critical-finding communication. Text fields expand macros as they are typed.
 */
export function ReportForm(props: FormProps) {
  const { template, content, problems, onChange, available, onInsert, onRemoveMeasurement } = props;
  const focusedMeasurementField = useRef<string | null>(null);

  function setValue(fieldId: string, value: FieldValue) {
    onChange({ ...content, values: { ...content.values, [fieldId]: value } });
  }

  /** A text change, with a macro expanded when one was just typed. */
  function typed(
    target: HTMLTextAreaElement | HTMLInputElement,
    apply: (text: string) => ReportContent,
  ) {
    const hit = macroAtCaret(
      target.value,
      target.selectionStart ?? target.value.length,
      template.macros,
    );
    if (!hit) {
      onChange(apply(target.value));
      return;
    }
    onChange(applyMacro(apply(hit.text), hit.macro));
    // once React has rendered the expanded value, the caret goes back where the trigger began
    requestAnimationFrame(() => {
      if (document.activeElement === target) target.setSelectionRange(hit.caret, hit.caret);
    });
  }

  function measurementKeys(event: ReactKeyboardEvent, fieldId: string) {
    if (event.altKey && (event.key === 'm' || event.key === 'M')) {
      const next = available.at(-1);
      if (next) {
        event.preventDefault();
        event.stopPropagation();
        onInsert(next, fieldId);
      }
    }
  }

  const measurements = new Map(content.measurements.map((m) => [m.annotationId, m]));

  function fieldInput(f: TemplateField) {
    const id = fieldInputId(f.id);
    const value = content.values[f.id] ?? null;
    const invalid = problems.some((p) => p.path === f.id);
    const common = {
      id,
      'aria-invalid': invalid || undefined,
      'data-field-id': f.id,
    };
    switch (f.type) {
      case 'text':
        return (
          <textarea
            {...common}
            rows={2}
            placeholder={f.placeholder}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) =>
              typed(e.currentTarget, (text) => ({
                ...content,
                values: { ...content.values, [f.id]: text },
              }))
            }
          />
        );
      case 'choice':
        return (
          <select
            {...common}
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => setValue(f.id, e.target.value === '' ? null : e.target.value)}
          >
            <option value="">—</option>
            {f.options?.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        );
      case 'multi-choice': {
        const chosen = Array.isArray(value) ? value : [];
        return (
          <div role="group" aria-labelledby={`${id}-label`} className="report-choices" {...common}>
            {f.options?.map((o) => (
              <label key={o.value} className="report-choice">
                <input
                  type="checkbox"
                  checked={chosen.includes(o.value)}
                  onChange={(e) => {
                    const next = e.target.checked
                      ? [...chosen, o.value]
                      : chosen.filter((v) => v !== o.value);
                    setValue(f.id, next.length ? next : null);
                  }}
                />
                {o.label}
              </label>
            ))}
          </div>
        );
      }
      case 'number':
        return (
          <span className="report-number">
            <input
              {...common}
              type="number"
              step="any"
              value={typeof value === 'number' ? value : ''}
              onChange={(e) => {
                const n = e.target.valueAsNumber;
                setValue(f.id, Number.isFinite(n) ? n : null);
              }}
            />
            {f.unit && <span className="muted">{f.unit}</span>}
          </span>
        );
      case 'date':
        return (
          <input
            {...common}
            type="date"
            value={typeof value === 'string' ? value : ''}
            onChange={(e) => setValue(f.id, e.target.value === '' ? null : e.target.value)}
          />
        );
      case 'measurement': {
        const refs = Array.isArray(value) ? value : [];
        return (
          <div
            {...common}
            tabIndex={0}
            role="group"
            aria-labelledby={`${id}-label`}
            className="report-measurement-field"
            data-testid="measurement-field"
            onFocus={() => (focusedMeasurementField.current = f.id)}
            onKeyDown={(e) => measurementKeys(e, f.id)}
          >
            {refs.length === 0 && (
              <span className="muted small">
                {available.length ? 'Alt+M inserts the latest measurement' : 'No measurement yet'}
              </span>
            )}
            <ul>
              {refs.map((ref) => {
                const m = measurements.get(ref);
                return (
                  <li key={ref} data-testid="report-measurement" data-annotation-id={ref}>
                    {m ? (
                      <button
                        type="button"
                        className="link"
                        title="Show the image"
                        onClick={() => jumpToImage(m)}
                      >
                        {measurementText(m)}
                      </button>
                    ) : (
                      <span className="muted">a measurement no longer in the report</span>
                    )}{' '}
                    <button
                      type="button"
                      className="small"
                      aria-label="Remove the measurement"
                      onClick={() => onRemoveMeasurement(ref)}
                    >
                      ×
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      }
    }
  }

  const critical = content.critical;
  return (
    <div className="report-form" onKeyDown={(e) => measurementKeys(e, '')}>
      <Problems problems={problems} path="template" />
      <Problems problems={problems} path="measurements" />
      {template.sections.map((section) => (
        <fieldset key={section.id} className="report-section">
          <legend>{section.title}</legend>
          {section.fields.map((f) => (
            <div key={f.id} className="report-field" data-testid="report-field" data-field={f.id}>
              {f.type === 'multi-choice' || f.type === 'measurement' ? (
                <span id={`${fieldInputId(f.id)}-label`} className="report-label">
                  {f.label}
                  {f.required && <span aria-hidden="true"> *</span>}
                </span>
              ) : (
                <label htmlFor={fieldInputId(f.id)} className="report-label">
                  {f.label}
                  {f.required && <span aria-hidden="true"> *</span>}
                </label>
              )}
              {fieldInput(f)}
              <Problems problems={problems} path={f.id} />
            </div>
          ))}
        </fieldset>
      ))}
      <div className="report-field" data-field="impression">
        <label htmlFor="report-impression" className="report-label">
          {template.impression.label}
          {template.impression.required && <span aria-hidden="true"> *</span>}
        </label>
        <textarea
          id="report-impression"
          data-testid="report-impression"
          data-field-id="impression"
          rows={3}
          aria-invalid={problems.some((p) => p.path === 'impression') || undefined}
          value={content.impression}
          onChange={(e) => typed(e.currentTarget, (text) => ({ ...content, impression: text }))}
        />
        <Problems problems={problems} path="impression" />
      </div>
      <fieldset className="report-section report-critical" data-testid="report-critical">
        <legend>
          <label>
            <input
              type="checkbox"
              data-field-id="critical"
              checked={critical !== null}
              onChange={(e) =>
                onChange({
                  ...content,
                  critical: e.target.checked
                    ? { communicatedTo: '', communicatedAt: '', method: '' }
                    : null,
                })
              }
            />{' '}
            Critical / urgent finding
          </label>
        </legend>
        {critical && (
          <>
            <label className="report-label" htmlFor="report-critical-to">
              Communicated to
            </label>
            <input
              id="report-critical-to"
              value={critical.communicatedTo}
              placeholder="Name and role"
              onChange={(e) =>
                onChange({ ...content, critical: { ...critical, communicatedTo: e.target.value } })
              }
            />
            <label className="report-label" htmlFor="report-critical-at">
              Communicated at
            </label>
            <input
              id="report-critical-at"
              type="datetime-local"
              value={toLocalInput(critical.communicatedAt)}
              onChange={(e) =>
                onChange({
                  ...content,
                  critical: { ...critical, communicatedAt: fromLocalInput(e.target.value) },
                })
              }
            />
            <label className="report-label" htmlFor="report-critical-how">
              How
            </label>
            <select
              id="report-critical-how"
              value={critical.method}
              onChange={(e) => {
                const parsed = CommunicationMethod.safeParse(e.target.value);
                onChange({
                  ...content,
                  critical: { ...critical, method: parsed.success ? parsed.data : '' },
                });
              }}
            >
              <option value="">—</option>
              {CommunicationMethod.options.map((m) => (
                <option key={m} value={m}>
                  {METHOD_LABEL[m]}
                </option>
              ))}
            </select>
          </>
        )}
        <Problems problems={problems} path="critical" />
      </fieldset>
    </div>
  );
}
