import { beforeEach, describe, expect, it } from 'vitest';
import type { CaseProgress } from '../../shared/sync/records.ts';
import { FakeBrowserWindow, FakeTray } from '../test-support/electron-fakes.ts';
import type { SyncView } from './sync-controller.ts';
import { summarize, SyncProgressDisplay, titleOf } from './sync-progress.ts';

function kase(caseId: string, state: CaseProgress['state'], done: number, total: number) {
  return { caseId, state, instancesDone: done, instancesTotal: total, bytesDone: 0, errors: [] };
}

function view(over: Partial<SyncView> = {}): SyncView {
  return {
    signedIn: true,
    online: true,
    pausedBy: [],
    engine: { state: 'running' },
    cases: [],
    worklistCount: 0,
    ...over,
  };
}

const SYNCING = view({
  cases: [
    kase('a', 'syncing', 30, 100),
    kase('b', 'queued', 0, 50),
    kase('c', 'queued', 33, 50),
    kase('d', 'ready', 80, 80),
  ],
  worklistCount: 4,
});

describe('the one-line summary of syncing', () => {
  it('counts the cases still coming and their share done', () => {
    const summary = summarize(SYNCING);
    // (30 + 0 + 33) of (100 + 50 + 50) instances: 31.5 %, shown rounded down.
    expect(summary).toEqual({ text: 'syncing 3 cases, 31%', fraction: 0.31, mode: 'normal' });
    expect(titleOf(summary)).toBe('Tandem — syncing 3 cases, 31%');
  });

  it('never shows 100 % while something is missing', () => {
    const summary = summarize(view({ cases: [kase('a', 'syncing', 999, 1000)] }));
    expect(summary?.text).toBe('syncing 1 case, 99%');
  });

  it('says when everything is ready offline', () => {
    const summary = summarize(
      view({ cases: [kase('a', 'ready', 4, 4), kase('b', 'ready', 2, 2)], worklistCount: 2 }),
    );
    expect(titleOf(summary)).toBe('Tandem — all cases ready offline');
    expect(summary?.fraction).toBe(-1);
  });

  it('says offline, whether main or the worker noticed', () => {
    expect(summarize({ ...SYNCING, online: false, pausedBy: ['offline'] })).toMatchObject({
      text: 'offline',
      mode: 'paused',
      fraction: 0.31,
    });
    expect(summarize({ ...SYNCING, engine: { state: 'offline', retryAt: 5 } })?.text).toBe(
      'offline',
    );
  });

  it('says the storage is full, as an error', () => {
    const summary = summarize({ ...SYNCING, engine: { state: 'storage-full', message: 'x' } });
    expect(summary).toMatchObject({ text: 'storage full', mode: 'error' });
  });

  it('says paused, failed, starting, checking, nothing to do and incomplete cases', () => {
    expect(summarize({ ...SYNCING, pausedBy: ['suspended'] })?.text).toBe('syncing paused');
    expect(summarize({ ...SYNCING, engine: { state: 'paused' } })?.text).toBe('syncing paused');
    expect(summarize({ ...SYNCING, engine: { state: 'failed' } })?.text).toBe('syncing failed');
    expect(summarize(view({ engine: null }))?.text).toBe('starting to sync');
    expect(summarize(view({ worklistCount: null }))?.text).toBe('checking the worklist');
    expect(summarize(view())?.text).toBe('no cases to sync');
    expect(
      summarize(view({ cases: [kase('a', 'error', 1, 2), kase('b', 'ready', 1, 1)] }))?.text,
    ).toBe('1 case could not be fully synced');
  });

  it('says nothing about syncing to a signed-out workstation', () => {
    const summary = summarize({ ...SYNCING, signedIn: false });
    expect(summary).toBeNull();
    expect(titleOf(summary)).toBe('Tandem');
  });
});

describe('progress in the tray, the taskbar and the title', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
  });

  function setup() {
    const tray = new FakeTray();
    const window = new FakeBrowserWindow({ title: 'Tandem' });
    const pauses: boolean[] = [];
    let shown = 0;
    const display = new SyncProgressDisplay({
      tray,
      windows: () => FakeBrowserWindow.created,
      setUserPaused: (paused) => pauses.push(paused),
      showWindow: () => {
        shown += 1;
      },
    });
    return { tray, window, display, pauses, shown: () => shown };
  }

  it('shows the summary as tooltip, menu line, window title and taskbar bar', () => {
    const t = setup();
    t.display.show(SYNCING);
    expect(t.tray.toolTip).toBe('Tandem — syncing 3 cases, 31%');
    expect(t.tray.menu[0]).toMatchObject({ label: 'Syncing 3 cases, 31%', enabled: false });
    expect(t.window.title).toBe('Tandem — syncing 3 cases, 31%');
    expect(t.window.progress).toEqual({ value: 0.31, mode: 'normal' });

    t.display.show({ ...SYNCING, cases: [kase('d', 'ready', 80, 80)] });
    expect(t.tray.toolTip).toBe('Tandem — all cases ready offline');
    expect(t.window.progress).toEqual({ value: -1, mode: 'none' });
  });

  it('shows offline and a full store on the taskbar as paused and error', () => {
    const t = setup();
    t.display.show({ ...SYNCING, online: false, pausedBy: ['offline'] });
    expect(t.tray.toolTip).toBe('Tandem — offline');
    expect(t.window.progress?.mode).toBe('paused');
    t.display.show({ ...SYNCING, engine: { state: 'storage-full' } });
    expect(t.tray.toolTip).toBe('Tandem — storage full');
    expect(t.window.progress?.mode).toBe('error');
  });

  it('lets the user pause from the tray and open the window', () => {
    const t = setup();
    t.display.show(SYNCING);
    expect(t.tray.menu.find((i) => i.label === 'Pause syncing')).toMatchObject({
      type: 'checkbox',
      checked: false,
      enabled: true,
    });
    t.tray.click('Pause syncing');
    expect(t.pauses).toEqual([true]);
    t.display.show({ ...SYNCING, pausedBy: ['user'] });
    expect(t.tray.menu.find((i) => i.label === 'Pause syncing')?.checked).toBe(true);
    t.tray.click('Pause syncing');
    expect(t.pauses).toEqual([true, false]);
    t.tray.click('Show Tandem');
    expect(t.shown()).toBe(1);
  });

  it('updates nothing when nothing visible changed', () => {
    const t = setup();
    t.display.show(SYNCING);
    const updates = t.tray.menuUpdates;
    t.window.title = 'changed by someone';
    t.display.show({ ...SYNCING, engine: { state: 'running' } });
    expect(t.tray.menuUpdates).toBe(updates);
    expect(t.window.title).toBe('changed by someone');
  });

  it('brings a new window up to date and skips destroyed ones', () => {
    const t = setup();
    t.display.show(SYNCING);
    t.window.destroyed = true;
    t.window.title = 'gone';
    t.display.show({ ...SYNCING, online: false, pausedBy: ['offline'] });
    expect(t.window.title).toBe('gone');
    const late = new FakeBrowserWindow({ title: 'Tandem' });
    t.display.apply(late);
    expect(late.title).toBe('Tandem — offline');
  });

  it('works without a tray', () => {
    const window = new FakeBrowserWindow({});
    const display = new SyncProgressDisplay({
      tray: null,
      windows: () => [window],
      setUserPaused: () => undefined,
      showWindow: () => undefined,
    });
    display.show({ ...SYNCING, signedIn: false });
    expect(window.title).toBe('Tandem');
    expect(window.progress).toEqual({ value: -1, mode: 'none' });
  });
});
