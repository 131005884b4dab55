import type { Locator, Page } from '@playwright/test';

/**
 * Canvas position (CSS pixels) of a patient-space point in viewport `index`, through the viewer's
 * geometry hook (`window.tandemViewer`, renderer/viewer/test-hooks.ts).
 */
export async function canvasPoint(
  page: Page,
  index: number,
  point: readonly number[],
): Promise<{ x: number; y: number }> {
  const at = await page.evaluate(
    ([i, p]) =>
      (
        window as unknown as {
          tandemViewer: { worldToCanvas(i: number, p: number[]): [number, number] | null };
        }
      ).tandemViewer.worldToCanvas(i, [...p]),
    [index, [...point]] as const,
  );
  if (!at) throw new Error('the viewport has no geometry yet');
  return { x: at[0], y: at[1] };
}

/** Where a patient-space point (x, y on the shown slice) is on the page. */
export async function pagePoint(
  page: Page,
  viewport: Locator,
  x: number,
  y: number,
): Promise<{ x: number; y: number }> {
  const index = Number(await viewport.getAttribute('data-viewport-index'));
  const at = await canvasPoint(page, index, [x, y, 0]);
  const box = (await viewport.locator('canvas').first().boundingBox())!;
  return { x: box.x + at.x, y: box.y + at.y };
}

/** A left-button drag from one page point to another, in a few steps as a hand would. */
export async function drag(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}
