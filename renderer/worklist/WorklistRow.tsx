import type { WorklistItem } from '../../shared/api/contract.ts';
import { formatPersonName } from '../app/person-name.ts';
import { formatDueClock, formatTimeLeft } from './due-time.ts';
import { KIND_LABEL, PRIORITY_LABEL } from './labels.ts';

interface Props {
  item: WorklistItem;
  now: Date;
  selected: boolean;
  onSelect: () => void;
  onOpen: () => void;
}

export function WorklistRow({ item, now, selected, onSelect, onOpen }: Props) {
  const due = new Date(item.dueAt);
  const overdue = due.getTime() < now.getTime();
  return (
    <tr
      data-testid="worklist-row"
      data-case-id={item.caseId}
      // Images stream from the backend for now; the sync engine will make this real.
      data-sync-state="ready"
      className={`priority-${item.priority}${selected ? ' selected' : ''}`}
      aria-selected={selected}
      onMouseDown={onSelect}
      onClick={onOpen}
      onDoubleClick={onOpen}
    >
      <td>
        <span className={`priority-badge priority-${item.priority}`}>
          {PRIORITY_LABEL[item.priority]}
        </span>
      </td>
      <td className={overdue ? 'due overdue' : 'due'}>
        <span className="due-clock">{formatDueClock(due, now)}</span>{' '}
        <span className="due-left">{formatTimeLeft(due, now)}</span>
      </td>
      <td className="patient">
        {formatPersonName(item.patientName)}
        <span className="muted"> · {item.patientId}</span>
      </td>
      <td>{item.modalities.join('/')}</td>
      <td>{item.bodyPart}</td>
      <td>{item.description}</td>
      <td>{item.subspecialty}</td>
      <td>{KIND_LABEL[item.kind]}</td>
      <td className="num">{item.numberOfPriors}</td>
    </tr>
  );
}
