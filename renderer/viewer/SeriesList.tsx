import type { SeriesSummary } from '../../shared/domain/case.ts';

interface Props {
  series: readonly SeriesSummary[];
  selectedUid: string | undefined;
  onSelect: (uid: string) => void;
}

export function seriesLabel(s: SeriesSummary): string {
  const number = s.seriesNumber !== null ? `Se ${s.seriesNumber}` : 'Se –';
  return s.description ? `${number} · ${s.description}` : number;
}

export function SeriesList({ series, selectedUid, onSelect }: Props) {
  return (
    <section className="panel series-list" aria-label="Series">
      <h3>Series</h3>
      <ul>
        {series.map((s) => (
          <li key={s.seriesInstanceUid}>
            <button
              type="button"
              data-testid="series-item"
              data-series-uid={s.seriesInstanceUid}
              aria-pressed={s.seriesInstanceUid === selectedUid}
              className={s.seriesInstanceUid === selectedUid ? 'selected' : ''}
              onClick={() => onSelect(s.seriesInstanceUid)}
            >
              <span className="series-name">{seriesLabel(s)}</span>
              <span className="muted">
                {s.modality} · {s.numberOfInstances} im
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
