import type { SeriesSummary, StudySummary } from '../../shared/domain/case.ts';
import { SeriesThumbnail } from './SeriesThumbnail.tsx';

/** The drag-and-drop type of a series dragged onto a viewport: JSON `{ studyUid, seriesUid }`. */
export const SERIES_DRAG_TYPE = 'application/x-tandem-series';

/** A study of the case with its series in display order: the current study, or a prior. */
export interface StudyGroup {
  study: StudySummary;
  role: 'current' | 'prior';
  series: readonly SeriesSummary[];
}

interface Props {
  groups: readonly StudyGroup[];
  selected: { studyUid: string; seriesUid: string } | undefined;
  onSelect: (studyUid: string, seriesUid: string) => void;
}

export function seriesLabel(s: SeriesSummary): string {
  const number = s.seriesNumber !== null ? `Se ${s.seriesNumber}` : 'Se –';
  return s.description ? `${number} · ${s.description}` : number;
}

/**
 * The series browser: the series of the case's study, then of each prior (newest first, as the
 * backend orders them), each with a thumbnail; click puts one in the active viewport, dragging
 * puts it in the viewport it is dropped on.
 */
export function SeriesList({ groups, selected, onSelect }: Props) {
  return (
    <section className="panel series-list" aria-label="Series">
      {groups.map((g) => (
        <div
          key={g.study.studyInstanceUid}
          className="study-group"
          data-testid="study-group"
          data-study-uid={g.study.studyInstanceUid}
          data-study-role={g.role}
        >
          <h3>
            {g.role === 'current' ? 'Current' : 'Prior'} · {g.study.studyDate}
          </h3>
          {g.role === 'prior' && <p className="muted small study-desc">{g.study.description}</p>}
          <ul>
            {g.series.map((s) => {
              const isSelected =
                selected?.studyUid === g.study.studyInstanceUid &&
                selected.seriesUid === s.seriesInstanceUid;
              return (
                <li key={s.seriesInstanceUid}>
                  <button
                    type="button"
                    data-testid="series-item"
                    data-series-uid={s.seriesInstanceUid}
                    data-study-uid={g.study.studyInstanceUid}
                    data-study-role={g.role}
                    aria-pressed={isSelected}
                    className={`with-thumb${isSelected ? ' selected' : ''}`}
                    draggable
                    onDragStart={(e) => {
                      e.dataTransfer.setData(
                        SERIES_DRAG_TYPE,
                        JSON.stringify({
                          studyUid: g.study.studyInstanceUid,
                          seriesUid: s.seriesInstanceUid,
                        }),
                      );
                      e.dataTransfer.effectAllowed = 'copy';
                    }}
                    onClick={() => onSelect(g.study.studyInstanceUid, s.seriesInstanceUid)}
                  >
                    <SeriesThumbnail studyUid={g.study.studyInstanceUid} series={s} />
                    <span className="series-text">
                      <span className="series-name">{seriesLabel(s)}</span>
                      <span className="muted">
                        {s.modality} · {s.numberOfInstances} im
                      </span>
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}
