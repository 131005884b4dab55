import type { Locator, Page } from '@playwright/test';
import { PHANTOM_FACTS } from '../scripts/demo-data/phantom-facts.ts';
import { test, expect, signIn } from './fixtures.ts';
import { canvasStats } from './pixels.ts';
import { canvasPoint } from './support/viewer-geometry.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

const { nodule } = PHANTOM_FACTS.ctChest;
const [NX, NY, NZ] = nodule.centreMm;

function viewport(page: Page, index: number): Locator {
  return page.locator(`[data-testid="viewport"][data-viewport-index="${index}"]`);
}

/** Mean grey level of the canvas in a 5×5 pixel square around a CSS-pixel point. */
async function greyAt(vp: Locator, at: { x: number; y: number }): Promise<number> {
  return vp.evaluate((el, p) => {
    const canvas = el.querySelector('canvas')!;
    const scale = canvas.width / canvas.clientWidth;
    const x = Math.round(p.x * scale) - 2;
    const y = Math.round(p.y * scale) - 2;
    const data = canvas.getContext('2d')!.getImageData(x, y, 5, 5).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i]!;
    return sum / (data.length / 4);
  }, at);
}

/** The plane position a reformat's overlay shows ("Pos -78.0 mm"), in mm. */
async function planePosition(vp: Locator): Promise<number> {
  const text = (await vp.locator('.corner.bottom-left').textContent()) ?? '';
  const match = /Pos (-?\d+(?:\.\d+)?) mm/.exec(text);
  return match ? Number(match[1]) : NaN;
}

test.describe('MPR of a CT', () => {
  test('M reformats the active CT axial, sagittal and coronal; crosshairs place the nodule; I makes a MIP slab; a stack’s reference line crosses them; the hanging stage MPR hangs the same; the scale bar measures true', async ({
    page,
  }) => {
    const ct = ctChestCase(demoManifest());
    await signIn(page, 'radiologist1');
    await page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`).dblclick();
    const stage = page.getByTestId('hp-stage');
    await expect(stage).toHaveAttribute('data-stage-id', 'current-vs-prior', { timeout: 20_000 });
    await expect(viewport(page, 0)).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    const seriesUid = await viewport(page, 0).getAttribute('data-series-uid');

    // The scale bar under the image is as long on screen as the length it names in the image.
    const bar = viewport(page, 0).getByTestId('scale-bar');
    await expect(bar).toBeVisible();
    await expect(bar).toHaveText(/^\d+ cm$/);
    const barMm = Number(await bar.getAttribute('data-mm'));
    const barPx = await bar
      .locator('.scale-line')
      .evaluate((el) => el.getBoundingClientRect().width);
    const [a, b] = [
      await canvasPoint(page, 0, [0, 0, 0]),
      await canvasPoint(page, 0, [barMm, 0, 0]),
    ];
    expect(Math.abs(barPx - Math.hypot(b.x - a.x, b.y - a.y))).toBeLessThan(3);
    await page.keyboard.press('B');
    await expect(bar).toHaveCount(0);
    await page.keyboard.press('B');
    await expect(bar).toBeVisible();

    // M: the active viewport's series (the current lung CT) as three reformats.
    await page.keyboard.press('M');
    await expect(page.getByTestId('viewport')).toHaveCount(3);
    const planes = ['axial', 'sagittal', 'coronal'];
    for (const [i, plane] of planes.entries()) {
      const vp = viewport(page, i);
      await expect(vp).toHaveAttribute('data-orientation', plane);
      await expect(vp).toHaveAttribute('data-series-uid', seriesUid ?? '');
    }
    for (const i of [0, 1, 2]) {
      await expect(viewport(page, i)).toHaveAttribute('data-rendered', 'true', { timeout: 40_000 });
      const stats = await canvasStats(viewport(page, i));
      expect(stats.nonBlack, planes[i]).toBeGreaterThan(0.1);
      expect(stats.stdDev, planes[i]).toBeGreaterThan(10);
    }
    // A reformat spans the whole series: 320 axial slices of 1 mm, reformatted across 512 columns.
    await expect(viewport(page, 0).getByTestId('image-number')).toContainText('/320');
    await expect(viewport(page, 1).getByTestId('image-number')).toContainText('/512');

    // A click with the crosshairs on the nodule's position in the axial places the sagittal
    // through it: the sagittal shows the nodule (soft tissue) where the phantom has it, with
    // aerated lung a centimetre above and below.
    const axial = viewport(page, 0);
    const sagittal = viewport(page, 1);
    const onAxial = await canvasPoint(page, 0, [NX, NY, NZ]);
    const box = (await axial.locator('canvas').boundingBox())!;
    await page.mouse.click(box.x + onAxial.x, box.y + onAxial.y);
    await expect.poll(async () => Math.abs((await planePosition(sagittal)) - NX)).toBeLessThan(1);
    await expect(sagittal).toHaveAttribute('data-rendered', 'true');
    const at = await canvasPoint(page, 1, [NX, NY, NZ]);
    const above = await canvasPoint(page, 1, [NX, NY, NZ + 12]);
    const below = await canvasPoint(page, 1, [NX, NY, NZ - 12]);
    const grey = await greyAt(sagittal, at);
    const greyAbove = await greyAt(sagittal, above);
    const greyBelow = await greyAt(sagittal, below);
    // lung window (W 1500, L -600): the nodule's 40 HU shows near white, lung (~-855 HU) dark grey
    expect(grey).toBeGreaterThan(180);
    expect(greyAbove).toBeLessThan(grey - 60);
    expect(greyBelow).toBeLessThan(grey - 60);

    // I: the active reformat (the axial, clicked last) becomes a 5 mm MIP slab: brighter.
    const thin = await canvasStats(axial);
    await page.keyboard.press('I');
    await expect(axial).toHaveAttribute('data-slab-mm', '5');
    await expect(axial.getByTestId('plane')).toHaveText('Axial · MIP 5 mm');
    await expect.poll(async () => (await canvasStats(axial)).mean).toBeGreaterThan(thin.mean + 1);

    // ]: the next series (the mediastinal axial stack) in the axial's place. Its plane shows as a
    // reference line across the sagittal, at its slice position; R hides it.
    await page.keyboard.press(']');
    await expect(axial).not.toHaveAttribute('data-orientation');
    await expect(axial).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    const referenceLine = sagittal.locator('svg line[data-id$="-line"]');
    await expect(referenceLine).toHaveCount(1);
    const sliceText = (await axial.locator('.corner.bottom-left').textContent()) ?? '';
    const sliceZ = Number(/Loc (-?\d+(?:\.\d+)?) mm/.exec(sliceText)?.[1]);
    const expectedY = (await canvasPoint(page, 1, [NX, NY, sliceZ])).y;
    const [y1, y2] = await Promise.all(['y1', 'y2'].map((a) => referenceLine.getAttribute(a)));
    expect(Math.abs(Number(y1) - expectedY)).toBeLessThan(3);
    expect(Math.abs(Number(y2) - expectedY)).toBeLessThan(3);
    await page.keyboard.press('R');
    await expect(referenceLine).toHaveCount(0);
    await page.keyboard.press('R');
    await expect(referenceLine).toHaveCount(1);

    // M again: back to the layout MPR replaced.
    await page.keyboard.press('M');
    await expect(page.getByTestId('viewport')).toHaveCount(2);
    await expect(viewport(page, 0)).not.toHaveAttribute('data-orientation');
    await expect(viewport(page, 0)).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });

    // The protocol's MPR stage (two stages on) hangs the same reformats.
    await expect(async () => {
      if ((await stage.getAttribute('data-stage-id')) !== 'mpr') await page.keyboard.press('s');
      await expect(stage).toHaveAttribute('data-stage-id', 'mpr', { timeout: 2_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId('viewport')).toHaveCount(3);
    for (const [i, plane] of ['axial', 'coronal', 'sagittal'].entries()) {
      await expect(viewport(page, i)).toHaveAttribute('data-orientation', plane);
      await expect(viewport(page, i)).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    }
  });
});
