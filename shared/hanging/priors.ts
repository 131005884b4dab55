import type { HangingStudy, PriorRelevance } from './protocol.ts';

/**
 * Relevant priors of a study: same patient, earlier, and (as the protocol asks) sharing a
 * modality and the body part; newest first. Studies without a date sort last.
 */
export function relevantPriors(
  current: HangingStudy,
  candidates: readonly HangingStudy[],
  relevance: PriorRelevance = { sameModality: true, sameBodyPart: true },
): HangingStudy[] {
  const currentKey = dateKey(current);
  return candidates
    .filter((s) => s.studyInstanceUid !== current.studyInstanceUid)
    .filter((s) => s.patientId === current.patientId)
    .filter((s) => dateKey(s) < currentKey)
    .filter(
      (s) => !relevance.sameModality || s.modalities.some((m) => current.modalities.includes(m)),
    )
    .filter(
      (s) =>
        !relevance.sameBodyPart ||
        current.bodyPart === '' ||
        s.bodyPart === '' ||
        s.bodyPart.toUpperCase() === current.bodyPart.toUpperCase(),
    )
    .sort((a, b) => dateKey(b).localeCompare(dateKey(a)));
}

function dateKey(s: HangingStudy): string {
  return `${s.studyDate}T${(s.studyTime ?? '').padEnd(6, '0')}`;
}

/**
 * How long before the current study a prior was taken, as a reader says it: "same day",
 * "12 days earlier", "14 months earlier", "2 years 3 months earlier".
 */
export function intervalText(currentDate: string, priorDate: string): string {
  const [cy, cm, cd] = parts(currentDate);
  const [py, pm, pd] = parts(priorDate);
  const days = Math.round((Date.UTC(cy, cm - 1, cd) - Date.UTC(py, pm - 1, pd)) / 86_400_000);
  if (days === 0) return 'same day';
  if (days < 0) return 'later than the current study';
  let months = (cy - py) * 12 + (cm - pm) - (cd < pd ? 1 : 0);
  if (months < 1) return days === 1 ? '1 day earlier' : `${days} days earlier`;
  if (months < 24) return months === 1 ? '1 month earlier' : `${months} months earlier`;
  const years = Math.floor(months / 12);
  months -= years * 12;
  return months === 0
    ? `${years} years earlier`
    : `${years} years ${months} month${months === 1 ? '' : 's'} earlier`;
}

/** The label on a prior's viewports: "prior: 2025-03-02, 14 months earlier". */
export function priorLabel(currentDate: string, priorDate: string): string {
  return `prior: ${priorDate}, ${intervalText(currentDate, priorDate)}`;
}

function parts(isoDate: string): [number, number, number] {
  const [y = 0, m = 1, d = 1] = isoDate.split('-').map(Number);
  return [y, m, d];
}
