import { memo } from 'react';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { isLocalCaseId } from '../../shared/cache/local-case.ts';
import type { SyncStateRow } from '../../shared/cache/rows.ts';
import { formatPersonName } from '../app/person-name.ts';
import { formatDueClock, formatTimeLeft } from './due-time.ts';
import { KIND_LABEL, PRIORITY_LABEL } from './labels.ts';
import { SyncCell, syncStateOf } from './SyncCell.tsx';

interface Props {
  item: WorklistItem;
  sync: SyncStateRow | undefined;
  now: Date;
  selected: boolean;
  /** the row's position in the sorted list, from 0 */
  index: number;
  /** callbacks that take the row's case, so they stay the same objects across renders */
  onSelect: (caseId: string, index: number) => void;
  onOpen: (item: WorklistItem) => void;
  /** measures the row's height for the virtual list (rows with a sync error are taller) */
  measure?: (row: HTMLTableRowElement | null) => void;
}

/**
 * One assignment. Memoized: moving the selection renders the two rows whose `selected` changed,
 * and sync progress renders only the rows whose progress changed.
 */
export const WorklistRow = memo(function WorklistRow({
  item,
  sync,
  now,
  selected,
  index,
  onSelect,
  onOpen,
  measure,
}: Props) {
  const due = new Date(item.dueAt);
  // a local import (a patient's CD): on this workstation only, never due
  const local = isLocalCaseId(item.caseId);
  const overdue = !local && due.getTime() < now.getTime();
  return (
    <tr
      data-testid="worklist-row"
      data-case-id={item.caseId}
      data-status={item.status}
      data-local={local ? 'true' : undefined}
      data-sync-state={syncStateOf(sync)}
      data-instances-done={sync?.instancesDone ?? 0}
      data-instances-total={sync?.instancesTotal ?? 0}
      className={`priority-${item.priority}${selected ? ' selected' : ''}`}
      aria-selected={selected}
      // the header is row 1
      aria-rowindex={index + 2}
      data-index={index}
      ref={measure}
      onMouseDown={() => onSelect(item.caseId, index)}
      onClick={() => onOpen(item)}
      onDoubleClick={() => onOpen(item)}
    >
      <td>
        <span className={`priority-badge priority-${item.priority}`}>
          {PRIORITY_LABEL[item.priority]}
        </span>
      </td>
      <td className={overdue ? 'due overdue' : 'due'}>
        {local ? (
          <span className="muted">imported {formatDueClock(due, now)}</span>
        ) : (
          <>
            <span className="due-clock">{formatDueClock(due, now)}</span>{' '}
            <span className="due-left">{formatTimeLeft(due, now)}</span>
          </>
        )}
      </td>
      <td className="patient">
        {formatPersonName(item.patientName)}
        <span className="muted"> · {item.patientId}</span>
      </td>
      <td>{item.modalities.join('/')}</td>
      <td>{item.bodyPart}</td>
      <td>{item.description}</td>
      <td>{item.subspecialty}</td>
      <td>
        {KIND_LABEL[item.kind]}
        {item.status === 'reported' && <span className="muted"> · reported</span>}
      </td>
      <td className="num">{item.numberOfPriors}</td>
      <td className="sync">
        {local ? (
          <span className="local-badge" title="Imported from local files; not synced">
            Local · not synced
          </span>
        ) : (
          <SyncCell sync={sync} />
        )}
      </td>
    </tr>
  );
});
