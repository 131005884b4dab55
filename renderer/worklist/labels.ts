import type { AssignmentKind, Priority } from '../../shared/domain/case.ts';

export const PRIORITY_LABEL: Record<Priority, string> = {
  stat: 'STAT',
  urgent: 'Urgent',
  routine: 'Routine',
};

export const KIND_LABEL: Record<AssignmentKind, string> = {
  'first-read': 'First read',
  'second-opinion': 'Second opinion',
  'peer-review': 'Peer review',
};
