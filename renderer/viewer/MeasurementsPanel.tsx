import { useLiveQuery } from 'dexie-react-hooks';
import { useState } from 'react';
import { Measurement } from '../../shared/domain/measurement.ts';
import { cacheDb } from '../app/local-cache.ts';
import { formatValues } from './measurement-convert.ts';
import { deleteMeasurement, relabel } from './measurement-store.ts';

const KIND_NAME: Record<Measurement['kind'], string> = {
  length: 'Length',
  bidirectional: 'Bidirectional',
  ellipse: 'Ellipse',
  circle: 'Circle',
  rectangle: 'Rectangle',
  probe: 'Probe',
  angle: 'Angle',
  cobb: 'Cobb angle',
  arrow: 'Arrow',
};

/**
 * The case's measurements as the cache holds them: click one to see its image, rename it,
 * delete it.
 */
export function MeasurementsPanel({ caseId }: { caseId: string }) {
  const rows = useLiveQuery(
    () => cacheDb().annotations.where('caseId').equals(caseId).toArray(),
    [caseId],
  );
  const measurements = (rows ?? [])
    .map((r) => Measurement.safeParse(r.data))
    .flatMap((p) => (p.success ? [p.data] : []))
    .sort((a, b) => a.createdAt - b.createdAt);

  return (
    <section className="panel measurements" aria-label="Measurements" data-testid="measurements">
      <h3>Measurements</h3>
      {measurements.length === 0 ? (
        <p className="muted small">None yet. Choose a tool (L, E, …) or press Shift+L.</p>
      ) : (
        <ul>
          {measurements.map((m) => (
            <MeasurementItem key={m.annotationId} measurement={m} />
          ))}
        </ul>
      )}
    </section>
  );
}

function MeasurementItem({ measurement: m }: { measurement: Measurement }) {
  const [label, setLabel] = useState(m.label);
  const commit = () => {
    if (label !== m.label) relabel(m.annotationId, label);
  };
  return (
    <li data-testid="measurement-row" data-kind={m.kind} data-annotation-id={m.annotationId}>
      <button
        type="button"
        className="measurement-jump"
        onClick={() =>
          window.dispatchEvent(
            new CustomEvent('tandem:jump-to-image', {
              detail: {
                seriesInstanceUid: m.seriesInstanceUid,
                sopInstanceUid: m.sopInstanceUid,
                annotationId: m.annotationId,
              },
            }),
          )
        }
      >
        {KIND_NAME[m.kind]} · Im {m.imageIndex + 1}:{' '}
        <span data-testid="measurement-values">{formatValues(m.values)}</span>
      </button>
      <button
        type="button"
        aria-label="Delete measurement"
        onClick={() => deleteMeasurement(m.annotationId)}
      >
        ✕
      </button>
      <input
        aria-label="Label"
        placeholder="Label"
        value={label}
        onChange={(e) => setLabel(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
        }}
      />
    </li>
  );
}
