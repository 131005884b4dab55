import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FakeBrowserWindow,
  FakeScreen,
  RecordingLogger,
  fakeDisplay,
} from '../test-support/electron-fakes.ts';
import {
  arrangementKey,
  layoutFileAt,
  orderedDisplays,
  type LayoutFile,
  type LayoutStore,
  type WindowRole,
} from './display-layout.ts';
import { openReadingWindow } from './main-window.ts';
import { WindowManager } from './window-manager.ts';

const LEFT = fakeDisplay(10, { x: 0, y: 0, width: 1920, height: 1080 });
const RIGHT = fakeDisplay(20, { x: 1920, y: 0, width: 2048, height: 2560 });
const FAR_RIGHT = fakeDisplay(30, { x: 3968, y: 0, width: 2048, height: 2560 });

class MemoryLayout implements LayoutStore {
  data: LayoutFile = {};
  saves = 0;
  load(): Promise<LayoutFile> {
    return Promise.resolve(structuredClone(this.data));
  }
  save(layout: LayoutFile): Promise<void> {
    this.saves += 1;
    this.data = structuredClone(layout);
    return Promise.resolve();
  }
}

function setup(displays = [LEFT, RIGHT], store = new MemoryLayout()) {
  const screen = new FakeScreen(displays);
  const log = new RecordingLogger();
  const roles = new Map<FakeBrowserWindow, WindowRole>();
  const shown: { window: FakeBrowserWindow; caseId: string; series: string[] }[] = [];
  const manager = new WindowManager({
    screen,
    store,
    open: (bounds, role, route) => {
      const window = openReadingWindow(FakeBrowserWindow, '/p.cjs', log, {
        bounds,
        ...(route === undefined ? {} : { route }),
      });
      roles.set(window as FakeBrowserWindow, role);
      return window;
    },
    showViewports: (window, caseId, viewports) =>
      shown.push({
        window: window as FakeBrowserWindow,
        caseId,
        series: viewports.map((v) => v.seriesInstanceUid),
      }),
    log,
  });
  return { screen, store, manager, roles, shown, log };
}

const windows = () => FakeBrowserWindow.created.filter((w) => !w.destroyed);

describe('windows per display', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
  });

  it('names an arrangement by its displays, whatever order the OS lists them in', () => {
    expect(arrangementKey([LEFT, RIGHT])).toBe(arrangementKey([RIGHT, LEFT]));
    expect(arrangementKey([LEFT, RIGHT])).not.toBe(arrangementKey([LEFT]));
    const moved = fakeDisplay(20, { x: -2048, y: 0, width: 2048, height: 2560 });
    expect(arrangementKey([LEFT, moved])).not.toBe(arrangementKey([LEFT, RIGHT]));
    expect(orderedDisplays([FAR_RIGHT, RIGHT, LEFT], LEFT.id).map((d) => d.id)).toEqual([
      10, 20, 30,
    ]);
  });

  it('opens one worklist window on the primary display the first time', async () => {
    const t = setup();
    await t.manager.openAll();
    expect(windows()).toHaveLength(1);
    expect(windows()[0]?.bounds).toEqual(LEFT.workArea);
    expect(t.roles.get(windows()[0]!)).toBe('worklist');
  });

  it('puts a hanging-protocol stage on the second display in an images window, reused for the next stage', async () => {
    const t = setup();
    await t.manager.openAll();
    expect(t.manager.placeViewports(1, 'case-1', [{ seriesInstanceUid: '1.2.3' }])).toBe(true);
    const images = windows()[1];
    expect(images?.bounds).toEqual(RIGHT.workArea);
    expect(t.roles.get(images!)).toBe('images');
    // the images route: the second display's viewports of the reading window's stage
    expect(images?.loadedUrl).toBe('app://tandem/index.html#/cases/case-1/display/1');

    t.manager.placeViewports(1, 'case-1', [{ seriesInstanceUid: '1.2.4' }]);
    expect(windows()).toHaveLength(2);
    expect(t.shown).toEqual([{ window: images, caseId: 'case-1', series: ['1.2.4'] }]);

    expect(t.manager.placeViewports(2, 'case-1', [{ seriesInstanceUid: '1.2.3' }])).toBe(false);
    expect(t.log.lines.some((l) => l.includes('asked for display 3, but 2 are connected'))).toBe(
      true,
    );
  });

  it('remembers the windows of each arrangement and restores them on the next start', async () => {
    const store = new MemoryLayout();
    const first = setup([LEFT, RIGHT], store);
    await first.manager.openAll();
    first.manager.placeViewports(1, 'case-1', [{ seriesInstanceUid: '1.2.3' }]);
    await first.manager.flush();
    expect(Object.keys(store.data)).toEqual([arrangementKey([LEFT, RIGHT])]);

    FakeBrowserWindow.created.length = 0;
    const next = setup([RIGHT, LEFT], store);
    next.screen.primaryId = LEFT.id; // listed in another order, the primary is still the laptop's
    await next.manager.openAll();
    expect(windows().map((w) => next.roles.get(w))).toEqual(['worklist', 'images']);
    expect(windows()[1]?.bounds).toEqual(RIGHT.workArea);
    // it waits for a case on its display, rather than showing a second worklist
    expect(windows()[1]?.loadedUrl).toBe('app://tandem/index.html#/display/1');
    expect(windows()[0]?.loadedUrl).toBe('app://tandem/index.html');

    // The laptop alone is another arrangement: just the worklist.
    FakeBrowserWindow.created.length = 0;
    const alone = setup([LEFT], store);
    await alone.manager.openAll();
    expect(windows()).toHaveLength(1);
  });

  it('follows the user moving a window to another display', async () => {
    const t = setup();
    await t.manager.openAll();
    const window = windows()[0]!;
    window.setBounds({ x: 2000, y: 100, width: 1600, height: 1000 });
    window.emit('moved');
    await t.manager.flush();
    expect(t.manager.placements()).toEqual([
      { role: 'worklist', displayId: 20, bounds: { x: 2000, y: 100, width: 1600, height: 1000 } },
    ]);
  });

  it('moves windows off an unplugged display and puts them back when it returns', async () => {
    const t = setup();
    await t.manager.openAll();
    t.manager.placeViewports(1, 'case-1', [{ seriesInstanceUid: '1.2.3' }]);
    const images = windows()[1]!;
    t.screen.unplug(RIGHT.id);
    expect(images.bounds).toEqual(LEFT.workArea);
    expect(images.destroyed).toBe(false);
    // The OS reports the move main made; it does not change where the window belongs.
    images.emit('moved');
    t.screen.plug(RIGHT);
    expect(images.bounds).toEqual(RIGHT.workArea);
    expect(windows()[0]?.bounds).toEqual(LEFT.workArea);
  });

  it('forgets a closed images window', async () => {
    const t = setup();
    await t.manager.openAll();
    t.manager.placeViewports(1, 'case-1', [{ seriesInstanceUid: '1.2.3' }]);
    windows()[1]?.close();
    await t.manager.flush();
    expect(t.store.data[arrangementKey([LEFT, RIGHT])]?.map((p) => p.role)).toEqual(['worklist']);
  });
});

describe('the layout file', () => {
  it('round-trips, and a damaged file counts as none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-layout-'));
    try {
      const log = new RecordingLogger();
      const store = layoutFileAt(path.join(dir, 'window-layout.json'), log);
      await expect(store.load()).resolves.toEqual({});
      const layout = { k: [{ role: 'images' as const, displayId: 2 }] };
      await store.save(layout);
      await expect(store.load()).resolves.toEqual(layout);
      writeFileSync(path.join(dir, 'window-layout.json'), '{"k": [{"role": "toaster"}]}');
      await expect(store.load()).resolves.toEqual({});
      expect(log.lines.some((l) => l.includes('not valid'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
