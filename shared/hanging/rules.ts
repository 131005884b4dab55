import type { HangingSeries, HangingStudy, SeriesRule, StudyRule } from './protocol.ts';

/** The score of a candidate under some rules, or null when a required rule fails. */
export function scoreRules<A extends string>(
  rules: readonly (StudyRule | SeriesRule)[],
  read: (attribute: A) => readonly (string | number)[],
): number | null {
  let score = 0;
  for (const rule of rules) {
    const ok = read(rule.attribute as A).some((value) => satisfies(rule, value));
    if (ok) score += rule.weight;
    else if (rule.required) return null;
  }
  return score;
}

function satisfies(rule: StudyRule | SeriesRule, value: string | number): boolean {
  if (rule.equals !== undefined)
    return String(value).toUpperCase() === String(rule.equals).toUpperCase();
  if (rule.oneOf !== undefined)
    return rule.oneOf.some((o) => o.toUpperCase() === String(value).toUpperCase());
  if (rule.matches !== undefined) return new RegExp(rule.matches, 'i').test(String(value));
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return false;
  return (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
}

/** A study's attributes as study rules read them (no value: the rule fails). */
export function studyAttribute(
  study: HangingStudy,
  priorCount: number,
): (attribute: StudyRule['attribute']) => (string | number)[] {
  return (attribute) => {
    switch (attribute) {
      case 'modality':
        return study.modalities;
      case 'bodyPart':
        return present(study.bodyPart);
      case 'studyDescription':
        return present(study.description);
      case 'priorCount':
        return [priorCount];
    }
  };
}

/** A series' attributes as series rules read them. */
export function seriesAttribute(
  series: HangingSeries,
  study: HangingStudy,
): (attribute: SeriesRule['attribute']) => (string | number)[] {
  return (attribute) => {
    switch (attribute) {
      case 'modality':
        return present(series.modality);
      case 'bodyPart':
        return present(series.bodyPart ?? study.bodyPart);
      case 'seriesDescription':
        return present(series.description);
      case 'seriesNumber':
        return series.seriesNumber === null ? [] : [series.seriesNumber];
      case 'laterality':
        return present(series.laterality);
      case 'viewPosition':
        return present(series.viewPosition);
      case 'orientation':
        return present(series.orientation);
      case 'numberOfImages':
        return [series.numberOfInstances];
    }
  };
}

function present(value: string | undefined): string[] {
  return value === undefined || value === '' ? [] : [value];
}
