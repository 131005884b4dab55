import { describe, expect, it } from 'vitest';
import type { HungStage } from '../../shared/hanging/apply-protocol.ts';
import type { PageToShell, ShellHostLink } from '../../shared/ipc/shell-link.ts';
import type { StageChoice } from './second-display.ts';
import { announceStage, followStage } from './stage-channel.ts';

function stage(stageIndex: number, second: string[] | null): HungStage {
  const layout = (uids: string[]) => ({
    rows: 1,
    columns: uids.length,
    viewports: uids.map((uid) => ({
      role: 'current' as const,
      studyInstanceUid: '1.2',
      seriesInstanceUid: uid,
    })),
    syncGroups: [],
  });
  return {
    protocolId: 'two',
    protocolName: 'Two displays',
    stageIndex,
    stageId: `s${stageIndex}`,
    stageName: `Stage ${stageIndex}`,
    layout: layout(['1.2.1']),
    secondDisplay: second ? layout(second) : null,
  } as HungStage;
}

/** Resolves once `listener` has heard `n` choices (or rejects after a second). */
function hear(
  caseId: string,
  n: number,
): { heard: StageChoice[]; done: Promise<void>; stop: () => void } {
  const heard: StageChoice[] = [];
  let stop = () => undefined as void;
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`heard ${heard.length} of ${n}`)), 1_000);
    stop = followStage(caseId, (c) => {
      heard.push(c);
      if (heard.length === n) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return { heard, done, stop: () => stop() };
}

describe('images windows follow the reading window’s stage', () => {
  it('an images window opened later is told the stage hung, then each next one; other cases are not its own', async () => {
    announceStage('case-a', stage(0, ['1.2.2']), null);
    announceStage('case-b', stage(2, null), null);
    const images = hear('case-a', 2);
    // the reading window answers the images window's question with its last stage
    await new Promise((r) => setTimeout(r, 50));
    announceStage('case-a', stage(1, ['1.2.3', '1.2.4']), null);
    await images.done;
    images.stop();
    expect(images.heard).toEqual([
      { protocolId: 'two', stageIndex: 0 },
      { protocolId: 'two', stageIndex: 1 },
    ]);
  });

  it('asks the desktop shell for an images window only for a stage with second-display viewports', () => {
    const told: PageToShell[] = [];
    const shell: ShellHostLink = { listen: () => () => undefined, tell: (m) => told.push(m) };
    announceStage('case-c', stage(0, ['1.2.5', '1.2.6']), shell);
    announceStage('case-c', stage(1, null), shell);
    expect(told).toEqual([
      {
        type: 'place-viewports',
        display: 1,
        caseId: 'case-c',
        viewports: [{ seriesInstanceUid: '1.2.5' }, { seriesInstanceUid: '1.2.6' }],
      },
    ]);
  });
});
