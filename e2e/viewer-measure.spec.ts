import type { Locator, Page } from '@playwright/test';
import { PHANTOM_FACTS } from '../scripts/demo-data/phantom-facts.ts';
import { test, expect, signIn } from './fixtures.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';
import { drag, pagePoint } from './support/viewer-geometry.ts';
import { storedMeasurementLabels } from './support/cache-inspect.ts';

const { calibrationInsert, pixelSpacingMm } = PHANTOM_FACTS.ctChest;
const [CX, CY] = calibrationInsert.centreMm;

/** A measurement row's values as the panel shows them, e.g. "area 314 mm², mean 100 HU, sd 0.0 HU". */
async function rowValues(row: Locator): Promise<string> {
  if ((await row.count()) === 0) return '';
  return (await row.getByTestId('measurement-values').textContent()) ?? '';
}

function numberAfter(text: string, name: string): number {
  const match = new RegExp(`${name} (-?[\\d.]+)`).exec(text);
  return match?.[1] ? Number(match[1]) : NaN;
}

/**
 * Opens the case from the worklist and, once it is hung, shows one large viewport (the geometry
 * must hold still while drawing).
 */
async function openInOneViewport(page: Page, caseId: string) {
  const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
  await row.dblclick();
  const viewport = page.getByTestId('viewport').first();
  await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('hp-stage')).toBeVisible();
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('viewport')).toHaveCount(1);
  await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  return { row, viewport, rows: page.getByTestId('measurement-row') };
}

test.describe('measuring on a CT', () => {
  test('the calibration insert measures its known size and HU, and the measurements survive a reload', async ({
    page,
  }) => {
    const ct = ctChestCase(demoManifest());
    await signIn(page, 'radiologist1');
    const { viewport, rows } = await openInOneViewport(page, ct.caseId);
    // Measure on an image other than the first, so "jump to the image" has somewhere to go.
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
    await expect(viewport).toHaveAttribute('data-image-index', '12');
    await expect(viewport).toHaveAttribute('data-rendered', 'true');

    // Ellipse ROI inside the insert (radius 10 of its 15 mm: clear of the softened edge); the
    // tool draws from the centre out.
    await page.keyboard.press('e');
    await drag(
      page,
      await pagePoint(page, viewport, CX, CY),
      await pagePoint(page, viewport, CX + 10, CY + 10),
    );
    await expect(rows).toHaveCount(1);
    // The panel follows the tool's statistics as they settle after the drag.
    const ellipse = page.locator('[data-testid="measurement-row"][data-kind="ellipse"]');
    await expect
      .poll(async () =>
        Math.abs(numberAfter(await rowValues(ellipse), 'mean') - calibrationInsert.hu),
      )
      .toBeLessThanOrEqual(calibrationInsert.hu * 0.01);
    // Area of a 10 mm radius circle, within a pixel's width around its rim.
    await expect
      .poll(async () => Math.abs(numberAfter(await rowValues(ellipse), 'area') - Math.PI * 100))
      .toBeLessThan(2 * Math.PI * 10 * pixelSpacingMm);

    // A length across the insert's diameter.
    await page.keyboard.press('l');
    await drag(
      page,
      await pagePoint(page, viewport, CX - calibrationInsert.radiusMm, CY),
      await pagePoint(page, viewport, CX + calibrationInsert.radiusMm, CY),
    );
    const length = page.locator('[data-testid="measurement-row"][data-kind="length"]');
    await expect(length).toHaveCount(1);
    await expect
      .poll(async () => {
        const mm = Number(/([\d.]+) mm/.exec(await rowValues(length))?.[1]);
        return Math.abs(mm - 2 * calibrationInsert.radiusMm);
      })
      .toBeLessThanOrEqual(pixelSpacingMm);

    // The probe: a single click inside the insert gives a row with its HU.
    await page.keyboard.press('p');
    const probeAt = await pagePoint(page, viewport, CX - 3, CY - 6);
    await page.mouse.click(probeAt.x, probeAt.y);
    const probe = page.locator('[data-testid="measurement-row"][data-kind="probe"]');
    await expect(probe).toHaveCount(1);
    await expect
      .poll(async () => {
        const hu = Number(/(-?[\d.]+) HU/.exec(await rowValues(probe))?.[1]);
        return Math.abs(hu - calibrationInsert.hu);
      })
      .toBeLessThanOrEqual(calibrationInsert.hu * 0.01);

    // Label the length, then reload: all come back, from the cache, with their values.
    await length.getByLabel('Label').fill('insert diameter');
    await length.getByLabel('Label').press('Enter');
    const marks = [ellipse, length, probe];
    const before = await Promise.all(marks.map(rowValues));
    const ids = await Promise.all(marks.map((m) => m.getAttribute('data-annotation-id')));
    await page.keyboard.press('Home');
    await expect(viewport).toHaveAttribute('data-image-index', '0');
    // The label's write is under way: a page torn down before IndexedDB commits it loses it
    // (as any web page would); the reload checks what was kept, so it waits for the commit.
    const lengthId = ids[1] ?? '';
    await expect
      .poll(async () => (await storedMeasurementLabels(page))[lengthId])
      .toBe('insert diameter');

    await page.reload();
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(rows).toHaveCount(3);
    expect(await Promise.all(marks.map(rowValues))).toEqual(before);
    await expect(length.getByLabel('Label')).toHaveValue('insert diameter');

    // Clicking one jumps to its image, where all three are drawn again, each with its text.
    await ellipse.locator('.measurement-jump').click();
    await expect(viewport).toHaveAttribute('data-image-index', '12');
    for (const id of ids) {
      await expect(viewport.locator(`svg [data-annotation-uid="${id}"]`).first()).toBeVisible();
    }
    // the length's text is its value, as the panel shows it
    await expect(viewport.locator(`svg [data-annotation-uid="${ids[1]}"]`).first()).toContainText(
      before[1] ?? '',
    );
  });

  test('a measurement drawn, or labelled, just before the case or the window is closed is kept', async ({
    page: firstPage,
    context,
  }) => {
    const ct = ctChestCase(demoManifest());
    await signIn(firstPage, 'radiologist1');
    let page = firstPage;
    const openCase = () => openInOneViewport(page, ct.caseId);
    // The window closes at once (no unload prompt), and the reader starts again in a new one.
    const closeWindowAndOpenAgain = async () => {
      await page.close();
      page = await context.newPage();
      await page.goto('/');
      await expect(page.getByTestId('worklist')).toBeVisible();
      return openCase();
    };

    // A length, and straight away (inside the moment its statistics take to settle) back to the
    // worklist: kept as drawn.
    const first = await openCase();
    await page.keyboard.press('l');
    await drag(
      page,
      await pagePoint(page, first.viewport, CX - calibrationInsert.radiusMm, CY),
      await pagePoint(page, first.viewport, CX + calibrationInsert.radiusMm, CY),
    );
    await page.keyboard.press('Escape');
    await expect(first.row).toBeVisible();
    const { viewport, rows } = await openCase();
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-kind', 'length');

    // A probe, and straight away the window is closed: kept too.
    await page.keyboard.press('p');
    // well clear of the length (a click near it would pick the length up instead)
    const probeAt = await pagePoint(page, viewport, CX, CY + 40);
    await page.mouse.click(probeAt.x, probeAt.y);
    // drawn on the image (the tool has completed it) but not yet in the panel, which lists the
    // cache: the window closes while the measurement waits for its statistics to settle
    const marksDrawn = () =>
      viewport
        .locator('svg [data-annotation-uid]')
        .evaluateAll((els) => new Set(els.map((e) => e.getAttribute('data-annotation-uid'))).size);
    await expect.poll(marksDrawn, { intervals: [10] }).toBe(2);
    const again = await closeWindowAndOpenAgain();
    await expect(again.rows).toHaveCount(2);
    const probe = page.locator('[data-testid="measurement-row"][data-kind="probe"]');
    await expect(probe).toHaveCount(1);

    // A label typed, and straight away the window is closed: the label is kept.
    await probe.getByLabel('Label').fill('apex');
    await probe.getByLabel('Label').press('Enter');
    await closeWindowAndOpenAgain();
    await expect(
      page.locator('[data-testid="measurement-row"][data-kind="probe"]').getByLabel('Label'),
    ).toHaveValue('apex');
  });
});
