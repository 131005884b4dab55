import { z } from 'zod';
import { SeriesSummary, StudySummary } from '../domain/case.ts';

/**
 * The hanging-protocol model (ARCHITECTURE.md, Hanging protocols): plain data, validated, then
 * interpreted by `apply-protocol.ts`. The JSON Schema shipped in
 * `resources/hanging-protocols/schema.json` is generated from these schemas (`protocol-json-schema.ts`).
 *
 * A protocol = study rules (does it fit the case?) + stages (what to hang). A stage has a viewport
 * grid (and optionally a second display's grid); each viewport picks its series with a selector
 * (current study or prior N, best series by rules) and says how to show it.
 */

/** Attributes a study rule reads (the current study; `priorCount` = relevant priors available). */
export const StudyAttribute = z.enum(['modality', 'bodyPart', 'studyDescription', 'priorCount']);
export type StudyAttribute = z.infer<typeof StudyAttribute>;

/** Attributes a series rule reads. */
export const SeriesAttribute = z.enum([
  'modality',
  'bodyPart',
  'seriesDescription',
  'seriesNumber',
  'laterality',
  'viewPosition',
  'orientation',
  'numberOfImages',
]);
export type SeriesAttribute = z.infer<typeof SeriesAttribute>;

/**
 * One constraint with its weight. Exactly one of `equals` (case-insensitive), `oneOf`, `matches`
 * (a case-insensitive regular expression) or `min`/`max` (numbers, inclusive). A `required` rule
 * that fails rules the candidate out; otherwise a matching rule adds its weight to the score.
 */
const ruleFields = {
  weight: z.number().min(0).max(1000).default(1),
  required: z.boolean().default(false),
  equals: z.union([z.string(), z.number()]).optional(),
  oneOf: z.array(z.string()).min(1).optional(),
  matches: z.string().min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
};

function oneConstraint(rule: {
  equals?: unknown;
  oneOf?: unknown;
  matches?: string | undefined;
  min?: unknown;
  max?: unknown;
}): boolean {
  const kinds = [
    rule.equals !== undefined,
    rule.oneOf !== undefined,
    rule.matches !== undefined,
    rule.min !== undefined || rule.max !== undefined,
  ].filter(Boolean).length;
  return kinds === 1;
}

function validRegex(rule: { matches?: string | undefined }): boolean {
  if (rule.matches === undefined) return true;
  try {
    new RegExp(rule.matches, 'i');
    return true;
  } catch {
    return false;
  }
}

const CONSTRAINT_MESSAGE = 'a rule needs exactly one of equals, oneOf, matches or min/max';

export const StudyRule = z
  .strictObject({ attribute: StudyAttribute, ...ruleFields })
  .refine(oneConstraint, CONSTRAINT_MESSAGE)
  .refine(validRegex, { message: 'not a valid regular expression', path: ['matches'] });
export type StudyRule = z.infer<typeof StudyRule>;

export const SeriesRule = z
  .strictObject({ attribute: SeriesAttribute, ...ruleFields })
  .refine(oneConstraint, CONSTRAINT_MESSAGE)
  .refine(validRegex, { message: 'not a valid regular expression', path: ['matches'] });
export type SeriesRule = z.infer<typeof SeriesRule>;

/**
 * Which series a viewport shows: from the current study or from the N-th relevant prior (1 =
 * newest), the series scoring best on `rules` (ties: lowest series number, then the order of the
 * study). `skip` takes the next-best instead (two viewports of the same kind of series).
 */
export const SeriesSelector = z.strictObject({
  study: z.enum(['current', 'prior']),
  prior: z.number().int().min(1).max(9).default(1),
  rules: z.array(SeriesRule).default([]),
  skip: z.number().int().min(0).max(16).default(0),
});
export type SeriesSelector = z.infer<typeof SeriesSelector>;

export const ViewportOrientation = z.enum(['stack', 'axial', 'sagittal', 'coronal']);
export type ViewportOrientation = z.infer<typeof ViewportOrientation>;

export const ProtocolViewport = z.strictObject({
  series: SeriesSelector,
  /** a window/level preset name of the viewer (e.g. "Lung", "Mediastinum", "Brain") */
  voiPreset: z.string().min(1).max(40).optional(),
  orientation: ViewportOrientation.default('stack'),
  /** mirror the image left–right (mammography hangs left and right breast back to back) */
  flipHorizontal: z.boolean().default(false),
});
export type ProtocolViewport = z.infer<typeof ProtocolViewport>;

export const SyncKind = z.enum(['slice', 'zoompan', 'voi']);
export type SyncKind = z.infer<typeof SyncKind>;

/** Viewports that move together; indexes run over the primary grid, then the second display's. */
export const SyncGroup = z.strictObject({
  id: z.string().min(1).max(40),
  kinds: z.array(SyncKind).min(1),
  viewports: z.array(z.number().int().min(0)).min(2),
});
export type SyncGroup = z.infer<typeof SyncGroup>;

/** A grid of viewports, row-major; `null` is a slot left empty. */
export const ProtocolGrid = z
  .strictObject({
    rows: z.number().int().min(1).max(4),
    columns: z.number().int().min(1).max(4),
    viewports: z.array(ProtocolViewport.nullable()).min(1),
  })
  .refine((g) => g.viewports.length === g.rows * g.columns, {
    message: 'a grid needs rows × columns viewports (null for an empty slot)',
    path: ['viewports'],
  });
export type ProtocolGrid = z.infer<typeof ProtocolGrid>;

export const ProtocolStage = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1).max(80),
  grid: ProtocolGrid,
  /** viewports for a second monitor, when the workstation has one */
  secondDisplay: ProtocolGrid.optional(),
  syncGroups: z.array(SyncGroup).default([]),
});
export type ProtocolStage = z.infer<typeof ProtocolStage>;

/** Which earlier studies count as relevant priors: same patient always; these narrow it. */
export const PriorRelevance = z.strictObject({
  sameModality: z.boolean().default(true),
  sameBodyPart: z.boolean().default(true),
});
export type PriorRelevance = z.infer<typeof PriorRelevance>;

export const HangingProtocol = z.strictObject({
  $schema: z.string().optional(),
  id: z.string().regex(/^[a-z0-9-]+$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1).max(80),
  description: z.string().max(500).optional(),
  /** `user`: saved by a reader (stored in the cache); `shipped`: from resources/hanging-protocols */
  source: z.enum(['shipped', 'user']).default('shipped'),
  rules: z.array(StudyRule).default([]),
  priors: PriorRelevance.default({ sameModality: true, sameBodyPart: true }),
  /** in order; a stage that needs a prior the case does not have is skipped */
  stages: z.array(ProtocolStage).min(1),
});
export type HangingProtocol = z.infer<typeof HangingProtocol>;
/** A protocol as written in JSON (defaults not yet filled in). */
export type HangingProtocolInput = z.input<typeof HangingProtocol>;

/** A series as the matcher sees it: the case summary, and its orientation when known. */
export const HangingSeries = SeriesSummary.extend({
  orientation: z.enum(['axial', 'sagittal', 'coronal', 'oblique']).optional(),
});
export type HangingSeries = z.infer<typeof HangingSeries>;

export const HangingStudy = StudySummary.extend({ series: z.array(HangingSeries) });
export type HangingStudy = z.infer<typeof HangingStudy>;

/** One hung viewport: what the viewer's `ViewportSpec` needs, plus where it came from. */
export const HungViewport = z.object({
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  voiPreset: z.string().optional(),
  orientation: ViewportOrientation.optional(),
  flipHorizontal: z.boolean().optional(),
  /** e.g. "prior: 2025-09-18, 14 months earlier" on a prior's viewport */
  label: z.string().optional(),
  role: z.enum(['current', 'prior']),
  /** for a prior: 1 = newest relevant prior */
  prior: z.number().int().optional(),
});
export type HungViewport = z.infer<typeof HungViewport>;

/** The pure equivalent of the viewer's `ViewerLayout`. */
export const HungLayout = z.object({
  rows: z.number().int(),
  columns: z.number().int(),
  viewports: z.array(HungViewport.nullable()),
  syncGroups: z.array(
    z.object({ id: z.string(), kinds: z.array(SyncKind), viewportIndexes: z.array(z.number()) }),
  ),
});
export type HungLayout = z.infer<typeof HungLayout>;
