import type { Locator, Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { ctChestCase, demoManifest } from './demo-manifest.ts';

interface Box {
  what: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/**
 * Where the text over each viewport is drawn: each corner's lines (the glyphs' boxes, not the
 * block's padding), each orientation marker, and the scale bar (its line and label).
 */
function overlayBoxes(page: Page): Promise<Box[][]> {
  return page.getByTestId('viewport').evaluateAll((viewports) =>
    viewports.map((vp) => {
      const boxes: Box[] = [];
      const add = (what: string, r: DOMRect) => {
        if (r.width > 0 && r.height > 0) {
          boxes.push({ what, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
        }
      };
      for (const corner of vp.querySelectorAll('.corner')) {
        const range = document.createRange();
        range.selectNodeContents(corner);
        for (const r of range.getClientRects()) add(`corner ${corner.className}`, r);
      }
      for (const marker of vp.querySelectorAll('.orientation-markers .marker')) {
        if (marker.textContent) add(`marker ${marker.className}`, marker.getBoundingClientRect());
      }
      const bar = vp.querySelector<HTMLElement>('.scale-bar');
      if (bar && !bar.hidden) add('scale bar', bar.getBoundingClientRect());
      return boxes;
    }),
  );
}

/** Pairs of boxes of different items that overlap by more than half a pixel. */
function collisions(boxes: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.what === b.what) continue;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 0.5 && h > 0.5) out.push(`${a.what} × ${b.what}`);
    }
  }
  return out;
}

/** Signs in as radiologist1 and opens the CT chest case; its first viewport, once it shows its image. */
async function openCtChest(page: Page): Promise<Locator> {
  const ct = ctChestCase(demoManifest());
  await signIn(page, 'radiologist1');
  await page.locator(`[data-testid="worklist-row"][data-case-id="${ct.caseId}"]`).dblclick();
  const first = page.locator('[data-testid="viewport"][data-viewport-index="0"]');
  await expect(first).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  return first;
}

test('the text over the images, the orientation markers and the scale bar never overlap, however narrow the viewports of the layout', async ({
  page,
}) => {
  const first = await openCtChest(page);

  for (const [key, columns] of [
    ['Alt+1', '1'],
    ['Alt+2', '2'],
    ['Alt+5', '3'],
  ] as const) {
    await page.keyboard.press(key);
    await expect(page.getByTestId('viewport-grid')).toHaveAttribute('data-columns', columns);
    await expect(first).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
    // every viewport drawn, with its markers and scale bar in place
    await expect
      .poll(async () =>
        (await overlayBoxes(page)).every(
          (boxes) =>
            boxes.some((b) => b.what === 'scale bar') &&
            boxes.filter((b) => b.what.startsWith('marker')).length === 4,
        ),
      )
      .toBe(true);
    const found = (await overlayBoxes(page)).map(collisions);
    expect(found, `1×${columns}: overlapping text in a viewport`).toEqual(found.map(() => []));
  }
});

test('while scrolling, the image number over a viewport changes in the frame that draws its image', async ({
  page,
}) => {
  const first = await openCtChest(page);
  // the images to scroll through decoded first, so that each step is drawn in the next frame
  await first.click();
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowDown');
  await expect(first).toHaveAttribute('data-image-index', '12');
  await expect(first).toHaveAttribute('data-rendered', 'true');
  await page.keyboard.press('Home');
  await expect(first).toHaveAttribute('data-image-index', '0');
  await expect(first).toHaveAttribute('data-rendered', 'true');

  // Each step: ArrowDown between two frames, then, after each following frame's animation
  // callbacks (where the viewer draws), the canvas read back; once its pixels change, what the
  // overlay and the test hooks say at that very moment.
  const seen = await first.evaluate(async (viewport) => {
    const canvas = viewport.querySelector('canvas')!;
    const probe = document.createElement('canvas');
    probe.width = probe.height = 64;
    const ctx = probe.getContext('2d', { willReadFrequently: true })!;
    const hash = () => {
      ctx.drawImage(canvas, 0, 0, 64, 64);
      const px = new Uint32Array(ctx.getImageData(0, 0, 64, 64).data.buffer);
      let h = 0x811c9dc5;
      for (const p of px) h = Math.imul(h ^ p, 0x01000193);
      return h >>> 0;
    };
    const afterFrame = () =>
      new Promise<void>((resolve) =>
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => resolve();
          channel.port2.postMessage(null);
        }),
      );
    const out: Array<{ step: number; label: string; index: string; rendered: string }> = [];
    await afterFrame();
    if (viewport.dataset['imageIndex'] !== '0')
      throw new Error('the viewport moved before the steps');
    let before = hash();
    for (let step = 1; step <= 10; step++) {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      for (let frame = 0; frame < 60; frame++) {
        await afterFrame();
        const now = hash();
        if (now === before) continue;
        before = now;
        out.push({
          step,
          label: /Im (\d+)\/\d+/.exec(viewport.textContent ?? '')?.[1] ?? '',
          index: viewport.dataset['imageIndex'] ?? '',
          rendered: viewport.dataset['rendered'] ?? '',
        });
        break;
      }
    }
    return out;
  });
  expect(seen).toEqual(
    Array.from({ length: 10 }, (_, i) => ({
      step: i + 1,
      label: String(i + 2),
      index: String(i + 1),
      rendered: 'true',
    })),
  );
});
