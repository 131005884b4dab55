import { PHANTOM_FACTS } from '../scripts/demo-data/phantom-facts.ts';
import { test, expect, DEMO_PASSWORD, signIn } from './fixtures.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

test.describe('reading with the keyboard only', () => {
  test('open a case, change layout, scroll, window, measure and maximize without the mouse', async ({
    page,
  }) => {
    const ct = ctChestCase(demoManifest());
    await page.goto('/');
    const form = page.getByTestId('login-form');
    await form.getByLabel('Username').fill('radiologist1');
    await form.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('worklist')).toBeVisible();

    // The worklist: arrows to the CT chest case, Enter opens it.
    const rows = page.getByTestId('worklist-row');
    await expect(rows.first()).toBeVisible();
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')));
    const at = ids.indexOf(ct.caseId);
    expect(at).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', ct.caseId);
    const first = page.locator('[data-testid="viewport"][data-viewport-index="0"]');
    await expect(first).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });

    // 2×2 (Alt+4): four slots, the hung series stay in the first ones.
    await page.keyboard.press('Alt+4');
    const grid = page.getByTestId('viewport-grid');
    await expect(grid).toHaveAttribute('data-rows', '2');
    await expect(grid).toHaveAttribute('data-columns', '2');
    await expect(page.getByTestId('viewport-slot')).toHaveCount(4);
    await expect(first).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await expect(first).toHaveAttribute('data-active', 'true');

    // Scroll: 3 down, 10 more with PageDown.
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('PageDown');
    await expect(first).toHaveAttribute('data-image-index', '13');
    await expect(first).toHaveAttribute('data-rendered', 'true');

    // The prior beside it (1 mm slices against 2 mm) follows to the nearest slice position
    // once linked: current image 14 at z −24 mm ↔ prior image 8 at z −25.5 mm.
    const prior = page.locator('[data-testid="viewport"][data-viewport-index="1"]');
    await expect(first).toHaveAttribute('data-slice-linked', 'true', { timeout: 30_000 });
    await expect(prior).toHaveAttribute('data-slice-linked', 'true', { timeout: 30_000 });
    await page.keyboard.press('ArrowDown');
    await expect(first).toHaveAttribute('data-image-index', '14');
    await expect(prior).not.toHaveAttribute('data-image-index', '0');
    // Preset 2 (mediastinum) on the active viewport.
    await page.keyboard.press('2');
    await expect(first.getByTestId('window-level')).toHaveText('W 350 L 50');

    // A length drawn with the keys: L starts it at the centre, Shift+→ moves its end 10 screen
    // pixels a press (it starts 40 to the right), Enter keeps it.
    // The layout change above refits the viewports: wait until the active one's zoom has settled.
    const activeZoom = page
      .locator('[data-testid="viewport"][data-active="true"]')
      .getByTestId('zoom');
    await expect(async () => {
      const before = await activeZoom.textContent();
      await page.waitForTimeout(400);
      expect(await activeZoom.textContent()).toBe(before);
    }).toPass({ timeout: 10_000 });
    await page.keyboard.press('L');
    // the viewport drawing it (the active one) says so; its own zoom gives the expected length
    const drawing = page.locator('[data-testid="viewport"]:has([data-key-measure="true"])');
    await expect(drawing).toHaveCount(1);
    for (let i = 0; i < 10; i++) await page.keyboard.press('Shift+ArrowRight');
    const zoomText = (await drawing.getByTestId('zoom').textContent()) ?? '';
    await page.keyboard.press('Enter');
    const measurement = page.locator('[data-testid="measurement-row"][data-kind="length"]');
    await expect(measurement).toHaveCount(1);
    const screenPerImagePixel = Number(/Zoom (\d+)%/.exec(zoomText)?.[1]) / 100;
    const expectedMm = (140 / screenPerImagePixel) * PHANTOM_FACTS.ctChest.pixelSpacingMm;
    // within one image pixel (plus the overlay's rounding of the zoom); the row may first show
    // the length as it was while the keys moved its end: read until it settles
    await expect(async () => {
      const shown = (await measurement.getByTestId('measurement-values').textContent()) ?? '';
      const mm = Number(/([\d.]+) mm/.exec(shown)?.[1]);
      expect(Math.abs(mm - expectedMm)).toBeLessThan(
        PHANTOM_FACTS.ctChest.pixelSpacingMm + expectedMm * 0.01,
      );
    }).toPass({ timeout: 10_000 });

    // Maximize the active viewport and back.
    await page.keyboard.press('m');
    await expect(grid).toHaveAttribute('data-maximized', '0');
    await expect(page.getByTestId('viewport-slot')).toHaveCount(1);
    await expect(first).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    await page.keyboard.press('m');
    await expect(page.getByTestId('viewport-slot')).toHaveCount(4);

    // ? lists every shortcut.
    await page.keyboard.press('?');
    await expect(page.getByTestId('shortcut-help')).toContainText('Keyboard length');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('shortcut-help')).toHaveCount(0);
  });

  test('a double-click on a row opens the case as it is; a double-click on a viewport maximizes it', async ({
    page,
  }) => {
    const ct = ctChestCase(demoManifest());
    await signIn(page, 'radiologist1');
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`);
    await expect(row).toBeVisible();
    const box = (await row.boundingBox())!;
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    // The first click of a double-click opens the case (a row opens on one click) ...
    await page.mouse.click(x, y);
    const grid = page.getByTestId('viewport-grid');
    const first = page.locator('[data-testid="viewport"][data-viewport-index="0"]');
    await expect(first).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    // ... and its second click lands on a viewport drawn meanwhile (as on a reopen from the cache,
    // drawn within the double-click's interval): it belongs to the row and leaves the grid as it
    // is, neither maximized nor with another viewport made the active one (the keys would go there).
    const slots = page.getByTestId('viewport-slot');
    const count = await slots.count();
    expect(count).toBeGreaterThan(1);
    for (const n of [0, 1]) {
      const slot = (await slots.nth(n).boundingBox())!;
      await page.mouse.move(slot.x + slot.width / 2, slot.y + slot.height / 2);
      await page.mouse.down({ clickCount: 2 });
      await page.mouse.up({ clickCount: 2 });
      await page.waitForTimeout(300);
      await expect(grid).not.toHaveAttribute('data-maximized', /.*/);
      await expect(first).toHaveAttribute('data-active', 'true');
    }

    // A double-click that begins on a viewport maximizes it, and another gives the grid back.
    await slots.nth(0).dblclick();
    await expect(grid).toHaveAttribute('data-maximized', '0');
    await expect(slots).toHaveCount(1);
    await slots.nth(0).dblclick();
    await expect(slots).toHaveCount(count);
  });
});
