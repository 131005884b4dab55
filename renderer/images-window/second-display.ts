import {
  hangMatchStage,
  type ProtocolMatch,
  type HungStage,
} from '../../shared/hanging/apply-protocol.ts';
import type { HangingStudy, HungLayout } from '../../shared/hanging/protocol.ts';

/**
 * What an images window on another display hangs (pure): the `secondDisplay` grid of the stage
 * the reading window shows. The reading window says which protocol and stage (`StageChoice`);
 * until it has (or when it names one this case cannot hang), the best protocol's first stage
 * that can be hung stands, as the reading window itself starts with it.
 */
export interface StageChoice {
  protocolId: string;
  stageIndex: number;
}

export interface SecondDisplayHanging {
  stage: HungStage;
  /** the stage's second-display grid, or null when the stage puts nothing on another display */
  layout: HungLayout | null;
}

export function secondDisplayHanging(
  matches: readonly ProtocolMatch[],
  choice: StageChoice | null,
  current: HangingStudy,
): SecondDisplayHanging | null {
  const chosen = choice ? matches.find((m) => m.protocol.id === choice.protocolId) : undefined;
  const match = chosen ?? matches[0];
  if (!match) return null;
  const stageIndex =
    chosen && choice && match.stages.includes(choice.stageIndex)
      ? choice.stageIndex
      : match.stages[0];
  if (stageIndex === undefined) return null;
  const stage = hangMatchStage(match, stageIndex, current);
  if (!stage) return null;
  return { stage, layout: stage.secondDisplay };
}
