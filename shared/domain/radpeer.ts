import { z } from 'zod';

/**
 * RADPEER (American College of Radiology peer review): the reviewer's score of another
 * radiologist's interpretation, with the modifier a/b for scores 2 and 3 (unlikely / likely to
 * be clinically significant). Score 1 carries no modifier.
 */
export const RadpeerScore = z.enum(['1', '2a', '2b', '3a', '3b']);
export type RadpeerScore = z.infer<typeof RadpeerScore>;

export interface RadpeerDefinition {
  score: RadpeerScore;
  /** 1, 2 or 3, without the modifier */
  level: 1 | 2 | 3;
  clinicallySignificant: boolean | null;
  label: string;
  definition: string;
}

const LEVEL_TEXT = {
  1: 'Concur with interpretation.',
  2: 'Discrepancy in interpretation: not ordinarily expected to be made (understandable miss).',
  3: 'Discrepancy in interpretation: should be made most of the time.',
} as const;

const MODIFIER_TEXT = {
  a: 'Unlikely to be clinically significant.',
  b: 'Likely to be clinically significant.',
} as const;

function define(score: RadpeerScore): RadpeerDefinition {
  const level = Number(score[0]) as 1 | 2 | 3;
  const modifier = score[1] as 'a' | 'b' | undefined;
  return {
    score,
    level,
    clinicallySignificant: modifier === undefined ? null : modifier === 'b',
    label: `RADPEER ${score}`,
    definition: modifier ? `${LEVEL_TEXT[level]} ${MODIFIER_TEXT[modifier]}` : LEVEL_TEXT[level],
  };
}

/** The scale, in order, with its definitions (what the reviewer picks from). */
export const RADPEER_SCALE: readonly RadpeerDefinition[] = RadpeerScore.options.map(define);

export function radpeerDefinition(score: RadpeerScore): RadpeerDefinition {
  return define(score);
}

/** Score 2 or 3: the reviewer disagreed with the interpretation. */
export function isRadpeerDiscrepancy(score: RadpeerScore): boolean {
  return score !== '1';
}

/** What kind of discrepancy the reviewer found. */
export const DiscrepancyCategory = z.enum([
  'missed-finding',
  'misinterpretation',
  'over-call',
  'communication',
  'technical',
]);
export type DiscrepancyCategory = z.infer<typeof DiscrepancyCategory>;

export const DISCREPANCY_CATEGORY_LABEL: Record<DiscrepancyCategory, string> = {
  'missed-finding': 'Missed finding',
  misinterpretation: 'Misinterpretation',
  'over-call': 'Over-call',
  communication: 'Communication',
  technical: 'Technical',
};

/** The second reader's statement after comparing their read with the original. */
export const Concordance = z.enum(['agree', 'minor', 'major']);
export type Concordance = z.infer<typeof Concordance>;

export const CONCORDANCE_LABEL: Record<Concordance, string> = {
  agree: 'Agree',
  minor: 'Minor discrepancy',
  major: 'Major discrepancy',
};
