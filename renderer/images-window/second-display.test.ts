import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rankProtocols, type CaseStudies } from '../../shared/hanging/apply-protocol.ts';
import { parseProtocol } from '../../shared/hanging/parse-protocol.ts';
import type { HungLayout } from '../../shared/hanging/protocol.ts';
import { demoStudy, othersOf } from '../../shared/hanging/test-support/demo-studies.ts';
import { imagesRouteHash, parseImagesRoute } from './images-route.ts';
import { secondDisplayHanging } from './second-display.ts';

const TWO_DISPLAYS = parseProtocol(
  JSON.parse(
    readFileSync(new URL('./test-support/two-display-protocol.json', import.meta.url), 'utf8'),
  ),
);

function ctCase(withPrior = true): CaseStudies {
  const current = demoStudy('p1-ct-chest-current');
  return { current, others: withPrior ? othersOf(current) : [] };
}

/** "current Chest 5.0 Mediastinum (Mediastinum)" per slot, as the images window shows them. */
function described(layout: HungLayout | null, studies: CaseStudies): string[] | null {
  if (!layout) return null;
  const all = [studies.current, ...studies.others];
  return layout.viewports.map((v) => {
    if (!v) return 'empty';
    const series = all
      .find((s) => s.studyInstanceUid === v.studyInstanceUid)
      ?.series.find((s) => s.seriesInstanceUid === v.seriesInstanceUid);
    return `${v.role} ${series?.description ?? '?'} (${v.voiPreset ?? '-'})`;
  });
}

describe('the images window on the second display', () => {
  const studies = ctCase();
  const matches = rankProtocols([TWO_DISPLAYS], studies);

  it("hangs the second display's viewports of the stage the reading window shows", () => {
    const second = secondDisplayHanging(
      matches,
      { protocolId: 'ct-chest-two-displays', stageIndex: 1 },
      studies.current,
    );
    expect(second?.stage.stageId).toBe('two-windows');
    expect(second?.layout).toMatchObject({ rows: 1, columns: 2 });
    expect(described(second!.layout, studies)).toEqual([
      'current Chest 5.0 Mediastinum (Mediastinum)',
      'prior Chest 2.0 Lung (Lung)',
    ]);
  });

  it("starts on the protocol's first stage until the reading window says otherwise", () => {
    const second = secondDisplayHanging(matches, null, studies.current);
    expect(second?.stage.stageId).toBe('current-and-prior');
    expect(described(second!.layout, studies)).toEqual(['prior Chest 2.0 Lung (Lung)']);
  });

  it('shows nothing on the second display for a stage that has no second-display grid', () => {
    const second = secondDisplayHanging(
      matches,
      { protocolId: 'ct-chest-two-displays', stageIndex: 2 },
      studies.current,
    );
    expect(second?.stage.stageId).toBe('one-display');
    expect(second?.layout).toBeNull();
  });

  it('falls back to the first stage the case can hang when the stage named needs a prior the case lacks', () => {
    const alone = ctCase(false);
    const ranked = rankProtocols([TWO_DISPLAYS], alone);
    const second = secondDisplayHanging(
      ranked,
      { protocolId: 'ct-chest-two-displays', stageIndex: 0 },
      alone.current,
    );
    // both two-display stages show the prior: only the single-display one can hang
    expect(second?.stage.stageId).toBe('one-display');
    expect(second?.layout).toBeNull();
    expect(secondDisplayHanging([], null, alone.current)).toBeNull();
  });

  it('follows a protocol it does not know by hanging the best one', () => {
    const second = secondDisplayHanging(
      matches,
      { protocolId: 'gone', stageIndex: 1 },
      studies.current,
    );
    expect(second?.stage.stageId).toBe('current-and-prior');
  });

  it('has a route per case and display that only the images window answers to', () => {
    expect(parseImagesRoute('#/cases/case-ct-1/display/1')).toEqual({
      caseId: 'case-ct-1',
      display: 1,
    });
    expect(imagesRouteHash({ caseId: 'case-ct-1', display: 2 })).toBe(
      '#/cases/case-ct-1/display/2',
    );
    for (const hash of [
      '#/cases/case-ct-1',
      '#/cases/x/display/0',
      '#/cases/x/display/16',
      '#/cases/a b/display/1',
    ]) {
      expect(parseImagesRoute(hash)).toBeNull();
    }
  });
});
