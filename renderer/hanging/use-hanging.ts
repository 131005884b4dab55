import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import {
  hangMatchStage,
  rankProtocols,
  type CaseStudies,
  type HungStage,
  type ProtocolMatch,
} from '../../shared/hanging/apply-protocol.ts';
import type { HungLayout } from '../../shared/hanging/protocol.ts';
import { announceStage } from '../images-window/stage-channel.ts';
import { getLayout, layoutCaseId, setLayout, type ViewerLayout } from '../viewer/layout-model.ts';
import { markOpening } from '../viewer/open-marks.ts';
import { SHIPPED_PROTOCOLS } from './shipped-protocols.ts';
import { useUserProtocols } from './user-protocols.ts';

/** Which protocol and stage the reader chose (stage -1: the protocol's first that can hang). */
interface Choice {
  protocolId: string;
  stageIndex: number;
  serial: number;
}

/**
 * The reader's choice per case, kept outside the component: the viewer area may mount again while
 * a case is open (its data going from the server's answer to the cache's), and a stage the reader
 * stepped to must not fall back to the first one when it does.
 */
const choices = new Map<string, Choice>();
/** What was last hung per case, so mounting again does not hang over the reader's own changes. */
const hung = new Map<string, string>();

export interface Hanging {
  matches: readonly ProtocolMatch[];
  match: ProtocolMatch;
  stage: HungStage;
  studies: CaseStudies;
  /** position of the stage among the stages this case can hang (0-based) */
  stagePosition: number;
  stepStage: (delta: 1 | -1) => void;
  stepProtocol: (delta: 1 | -1) => void;
  choose: (protocolId: string) => void;
}

/** The hung layout in the viewer's terms (the viewer does not care where a series came from). */
export function toViewerLayout(layout: HungLayout): ViewerLayout {
  return {
    rows: layout.rows,
    columns: layout.columns,
    viewports: layout.viewports.map((v) => {
      if (!v) return null;
      const { role: _role, prior: _prior, ...spec } = v;
      return spec;
    }),
    syncGroups: layout.syncGroups.map((g) => ({ ...g, kinds: [...g.kinds] })),
  };
}

/** The protocol hung for each case, for features that follow it (the report's template). */
const hungProtocols = new Map<string, string>();
const hungListeners = new Set<() => void>();

export function useHungProtocolId(caseId: string): string | undefined {
  return useSyncExternalStore(
    useCallback((listener: () => void) => {
      hungListeners.add(listener);
      return () => void hungListeners.delete(listener);
    }, []),
    () => hungProtocols.get(caseId),
  );
}

/**
 * Hangs the open case: the best protocol (the reader's saved ones first, then the shipped ones)
 * applies as soon as the case and the saved protocols are read; stepping stages or protocols
 * hangs again. Changes of the case's data (sync progress) never re-hang over the reader's own
 * changes: only a new choice does.
 */
export function useHanging(caseId: string, detail: CaseDetail): Hanging | null {
  const user = useUserProtocols();
  useEffect(() => {
    if (user) markOpening('protocols-read');
  }, [user]);
  const studies = useMemo<CaseStudies>(
    () => ({ current: detail.study, others: detail.priors }),
    [detail.study, detail.priors],
  );
  const matches = useMemo(
    () => (user ? rankProtocols([...user, ...SHIPPED_PROTOCOLS], studies) : null),
    [user, studies],
  );
  const [choice, setChoiceState] = useState<Choice | null>(() => choices.get(caseId) ?? null);
  const setChoice = useCallback(
    (next: Choice | ((c: Choice | null) => Choice)) => {
      setChoiceState((c) => {
        const value = typeof next === 'function' ? next(c) : next;
        choices.set(caseId, value);
        return value;
      });
    },
    [caseId],
  );

  // A chosen protocol not (yet) among the matches — just saved, still being read — shows the best.
  const match = matches?.find((m) => m.protocol.id === choice?.protocolId) ?? matches?.[0];
  const effective = useMemo<Choice | null>(
    () =>
      match
        ? {
            protocolId: match.protocol.id,
            stageIndex:
              choice?.protocolId === match.protocol.id && choice.stageIndex >= 0
                ? choice.stageIndex
                : (match.stages[0] ?? 0),
            serial: choice?.serial ?? 0,
          }
        : null,
    [match, choice],
  );
  const stageIndex = effective?.stageIndex;
  const stage = useMemo(
    () =>
      match && stageIndex !== undefined ? hangMatchStage(match, stageIndex, studies.current) : null,
    [match, stageIndex, studies],
  );

  // Hang when the choice changes (or first becomes known) — not on every change of the data, and
  // not again when the component mounts anew over a layout it already hung for this case.
  useEffect(() => {
    if (!stage || !effective) return;
    const key = `${stage.protocolId}|${stage.stageIndex}|${effective.serial}`;
    if (hung.get(caseId) === key && getLayout() && layoutCaseId() === caseId) return;
    hung.set(caseId, key);
    markOpening('hung');
    setLayout(toViewerLayout(stage.layout), caseId);
    // images windows on other displays hang the stage's second-display viewports
    announceStage(caseId, stage);
    hungProtocols.set(caseId, stage.protocolId);
    hungListeners.forEach((listener) => listener());
  }, [caseId, stage, effective]);

  const stepStage = useCallback(
    (delta: 1 | -1) => {
      if (!match || !effective) return;
      const at = match.stages.indexOf(effective.stageIndex);
      const n = match.stages.length;
      const next = match.stages[(at + delta + n) % n];
      if (next !== undefined)
        setChoice({
          protocolId: match.protocol.id,
          stageIndex: next,
          serial: effective.serial + 1,
        });
    },
    [match, effective, setChoice],
  );
  const stepProtocol = useCallback(
    (delta: 1 | -1) => {
      if (!matches || !match || !effective) return;
      const at = matches.indexOf(match);
      const next = matches[(at + delta + matches.length) % matches.length];
      if (next)
        setChoice({ protocolId: next.protocol.id, stageIndex: -1, serial: effective.serial + 1 });
    },
    [matches, match, effective, setChoice],
  );
  const choose = useCallback(
    (protocolId: string) => {
      setChoice((c) => ({ protocolId, stageIndex: -1, serial: (c?.serial ?? 0) + 1 }));
    },
    [setChoice],
  );

  if (!matches || !match || !stage || !effective) return null;
  return {
    matches,
    match,
    stage,
    studies,
    stagePosition: Math.max(0, match.stages.indexOf(stage.stageIndex)),
    stepStage,
    stepProtocol,
    choose,
  };
}
