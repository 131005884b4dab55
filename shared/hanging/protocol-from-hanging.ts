import type { z } from 'zod';
import { relevantPriors } from './priors.ts';
import type { CaseStudies } from './apply-protocol.ts';
import { parseProtocol } from './parse-protocol.ts';
import type {
  HangingProtocol,
  HangingProtocolInput,
  HangingSeries,
  HangingStudy,
  HungLayout,
  SeriesRule,
  StudyRule,
} from './protocol.ts';

type StudyRuleInput = z.input<typeof StudyRule>;
type SeriesRuleInput = z.input<typeof SeriesRule>;

/** A layout as the viewer holds it: the hung viewports without where they came from. */
export type ViewerLayoutLike = Omit<HungLayout, 'viewports'> & {
  viewports: (Pick<
    NonNullable<HungLayout['viewports'][number]>,
    'studyInstanceUid' | 'seriesInstanceUid' | 'voiPreset' | 'orientation' | 'flipHorizontal'
  > | null)[];
};

/** Weights that put a reader's saved protocol above every shipped one for studies like this. */
const SAVED_STUDY_WEIGHT = 50;

/**
 * The reader's current hanging as a new protocol ("save as"): it fits studies of the same
 * modality and body part (required), best those with the same description, and hangs in each
 * slot the series of the same description (and view, laterality) from the current study or the
 * same prior, with the slot's window preset, orientation, flip and the layout's sync groups.
 */
export function protocolFromHanging(
  layout: ViewerLayoutLike,
  studies: CaseStudies,
  id: string,
  name: string,
): HangingProtocol {
  const { current } = studies;
  const priors = relevantPriors(current, studies.others);
  const rules: StudyRuleInput[] = [];
  const modality = current.modalities[0];
  if (modality)
    rules.push({
      attribute: 'modality',
      equals: modality,
      weight: SAVED_STUDY_WEIGHT,
      required: true,
    });
  if (current.bodyPart)
    rules.push({
      attribute: 'bodyPart',
      equals: current.bodyPart,
      weight: SAVED_STUDY_WEIGHT,
      required: true,
    });
  if (current.description)
    rules.push({
      attribute: 'studyDescription',
      matches: exactly(current.description),
      weight: 20,
    });

  const viewports = layout.viewports.map((spec) => {
    if (!spec) return null;
    const priorIndex = priors.findIndex((p) => p.studyInstanceUid === spec.studyInstanceUid);
    const study: HangingStudy | undefined =
      spec.studyInstanceUid === current.studyInstanceUid ? current : priors[priorIndex];
    const series = study?.series.find((s) => s.seriesInstanceUid === spec.seriesInstanceUid);
    if (!study || !series) return null;
    return {
      series: {
        study: study === current ? ('current' as const) : ('prior' as const),
        prior: study === current ? 1 : priorIndex + 1,
        rules: seriesRules(series),
        skip: 0,
      },
      ...(spec.voiPreset !== undefined ? { voiPreset: spec.voiPreset } : {}),
      orientation: spec.orientation ?? 'stack',
      flipHorizontal: spec.flipHorizontal ?? false,
    };
  });
  const input: HangingProtocolInput = {
    id,
    name,
    description: `Saved from ${current.description || 'a study'} (${current.studyDate}).`,
    source: 'user',
    rules,
    stages: [
      {
        id: 'saved',
        name: 'Saved hanging',
        grid: { rows: layout.rows, columns: layout.columns, viewports },
        syncGroups: layout.syncGroups
          .filter((g) => g.viewportIndexes.length >= 2)
          .map((g) => ({ id: g.id, kinds: g.kinds, viewports: g.viewportIndexes })),
      },
    ],
  };
  // Through the same gate as any file: what is saved can always be read back.
  return parseProtocol(input);
}

function seriesRules(series: HangingSeries): SeriesRuleInput[] {
  const rules: SeriesRuleInput[] = [
    { attribute: 'modality', equals: series.modality, required: true },
  ];
  if (series.description)
    rules.push({
      attribute: 'seriesDescription',
      matches: exactly(series.description),
      weight: 10,
    });
  if (series.laterality)
    rules.push({ attribute: 'laterality', equals: series.laterality, weight: 10, required: true });
  if (series.viewPosition)
    rules.push({ attribute: 'viewPosition', equals: series.viewPosition, weight: 10 });
  if (series.seriesNumber !== null)
    rules.push({ attribute: 'seriesNumber', equals: series.seriesNumber, weight: 1 });
  return rules;
}

/** A regex matching the text and nothing else (case-insensitive, as all rules are). */
function exactly(text: string): string {
  return `^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** A protocol id for a name: "My chest CT" → "user-my-chest-ct-<suffix>". */
export function userProtocolId(name: string, suffix: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `user-${slug || 'protocol'}-${suffix.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}
