import type {
  HangingProtocol,
  HangingSeries,
  HangingStudy,
  HungLayout,
  HungViewport,
  ProtocolGrid,
  ProtocolStage,
  ProtocolViewport,
} from './protocol.ts';
import { priorLabel, relevantPriors } from './priors.ts';
import { scoreRules, seriesAttribute, studyAttribute } from './rules.ts';

/**
 * Applying protocols to a case (pure). The rules, in the order a reader may rely on:
 *
 * - A protocol fits when none of its required study rules fails; its score is the sum of the
 *   weights of the study rules that match. Best score first; ties keep the order protocols were
 *   given in (the caller puts the reader's saved protocols before the shipped ones, and the
 *   generic fallback, which has no rules, scores 0 and comes last).
 * - Relevant priors: same patient, earlier, sharing modality and body part (per the protocol's
 *   `priors`), newest first; "prior 1" is the newest.
 * - A stage is skipped when it asks for a prior the case does not have (a CT with no prior opens
 *   on the protocol's next stage, e.g. "current" instead of "current vs prior"), or when none of
 *   its viewports finds a series. A protocol none of whose stages can be hung does not fit.
 * - A viewport shows the series scoring best on its rules (required rules must hold); ties go to
 *   the lowest series number, then the order of the study. No series → the slot stays empty.
 * - Sync groups keep only filled viewports, and are dropped below two.
 */
export interface CaseStudies {
  current: HangingStudy;
  /** every other study of the case (the backend's priors); relevance is decided here */
  others: readonly HangingStudy[];
}

export interface ProtocolMatch {
  protocol: HangingProtocol;
  score: number;
  priors: HangingStudy[];
  /** indexes of the stages that can be hung, in order */
  stages: number[];
}

export interface HungStage {
  protocolId: string;
  protocolName: string;
  stageIndex: number;
  stageId: string;
  stageName: string;
  layout: HungLayout;
  /** the second monitor's grid, when the stage has one */
  secondDisplay: HungLayout | null;
}

/** Every protocol that fits the case, best first. */
export function rankProtocols(
  protocols: readonly HangingProtocol[],
  studies: CaseStudies,
): ProtocolMatch[] {
  const matches: ProtocolMatch[] = [];
  for (const protocol of protocols) {
    const priors = relevantPriors(studies.current, studies.others, protocol.priors);
    const score = scoreRules(protocol.rules, studyAttribute(studies.current, priors.length));
    if (score === null) continue;
    const stages = protocol.stages.flatMap((stage, i) =>
      hangStage(protocol, i, studies.current, priors) ? [i] : [],
    );
    if (stages.length === 0) continue;
    matches.push({ protocol, score, priors, stages });
  }
  // Array.prototype.sort is stable: equal scores keep the given order.
  return matches.sort((a, b) => b.score - a.score);
}

/** Hangs one stage of a matched protocol, or null when the stage cannot be hung for this case. */
export function hangMatchStage(match: ProtocolMatch, stageIndex: number, current: HangingStudy) {
  return hangStage(match.protocol, stageIndex, current, match.priors);
}

function hangStage(
  protocol: HangingProtocol,
  stageIndex: number,
  current: HangingStudy,
  priors: readonly HangingStudy[],
): HungStage | null {
  const stage = protocol.stages[stageIndex];
  if (!stage) return null;
  const grids = [stage.grid, ...(stage.secondDisplay ? [stage.secondDisplay] : [])];
  const needsMissingPrior = grids.some((g) =>
    g.viewports.some((v) => v?.series.study === 'prior' && v.series.prior > priors.length),
  );
  if (needsMissingPrior) return null;
  const primary = hangGrid(stage.grid, current, priors);
  const second = stage.secondDisplay ? hangGrid(stage.secondDisplay, current, priors) : null;
  const all = [...primary, ...(second ?? [])];
  if (all.every((v) => v === null)) return null;
  return {
    protocolId: protocol.id,
    protocolName: protocol.name,
    stageIndex,
    stageId: stage.id,
    stageName: stage.name,
    layout: {
      rows: stage.grid.rows,
      columns: stage.grid.columns,
      viewports: primary,
      syncGroups: syncGroupsOf(stage, all, 0, primary.length),
    },
    secondDisplay:
      second && stage.secondDisplay
        ? {
            rows: stage.secondDisplay.rows,
            columns: stage.secondDisplay.columns,
            viewports: second,
            syncGroups: syncGroupsOf(stage, all, primary.length, second.length),
          }
        : null,
  };
}

/** Groups restricted to one display's filled viewports, re-indexed from that display's first. */
function syncGroupsOf(
  stage: ProtocolStage,
  all: readonly (HungViewport | null)[],
  offset: number,
  count: number,
): HungLayout['syncGroups'] {
  return stage.syncGroups.flatMap((g) => {
    const indexes = g.viewports
      .filter((i) => i >= offset && i < offset + count && (all[i] ?? null) !== null)
      .map((i) => i - offset);
    return indexes.length >= 2 ? [{ id: g.id, kinds: [...g.kinds], viewportIndexes: indexes }] : [];
  });
}

function hangGrid(
  grid: ProtocolGrid,
  current: HangingStudy,
  priors: readonly HangingStudy[],
): (HungViewport | null)[] {
  return grid.viewports.map((v) => (v ? hangViewport(v, current, priors) : null));
}

function hangViewport(
  viewport: ProtocolViewport,
  current: HangingStudy,
  priors: readonly HangingStudy[],
): HungViewport | null {
  const { series: selector } = viewport;
  const study = selector.study === 'current' ? current : priors[selector.prior - 1];
  if (!study) return null;
  const series = bestSeries(study, selector.rules, selector.skip);
  if (!series) return null;
  const hung: HungViewport = {
    studyInstanceUid: study.studyInstanceUid,
    seriesInstanceUid: series.seriesInstanceUid,
    orientation: viewport.orientation,
    flipHorizontal: viewport.flipHorizontal,
    role: selector.study,
  };
  if (viewport.voiPreset !== undefined) hung.voiPreset = viewport.voiPreset;
  if (selector.study === 'prior') {
    hung.prior = selector.prior;
    hung.label = priorLabel(current.studyDate, study.studyDate);
  }
  return hung;
}

/** The series of a study ranked by rules (see the module comment); `skip` takes a later one. */
export function rankSeries(
  study: HangingStudy,
  rules: ProtocolViewport['series']['rules'],
): HangingSeries[] {
  return study.series
    .map((series, order) => ({
      series,
      order,
      score: scoreRules(rules, seriesAttribute(series, study)),
    }))
    .filter((c): c is typeof c & { score: number } => c.score !== null)
    .sort(
      (a, b) =>
        b.score - a.score ||
        bySeriesNumber(a.series.seriesNumber, b.series.seriesNumber) ||
        a.order - b.order,
    )
    .map((c) => c.series);
}

/** Lower series numbers first, unnumbered last. */
function bySeriesNumber(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

function bestSeries(
  study: HangingStudy,
  rules: ProtocolViewport['series']['rules'],
  skip: number,
): HangingSeries | undefined {
  return rankSeries(study, rules)[skip];
}

/**
 * The hanging to show when a case opens: the best protocol's first stage that can be hung.
 * Null only when no protocol fits (ship a generic fallback so that never happens).
 */
export function initialHanging(
  protocols: readonly HangingProtocol[],
  studies: CaseStudies,
): { matches: ProtocolMatch[]; stage: HungStage } | null {
  const matches = rankProtocols(protocols, studies);
  const best = matches[0];
  const first = best?.stages[0];
  if (!best || first === undefined) return null;
  const stage = hangMatchStage(best, first, studies.current);
  return stage ? { matches, stage } : null;
}
