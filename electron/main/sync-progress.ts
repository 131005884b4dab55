import type { MenuItemConstructorOptions, ProgressBarOptions } from 'electron';
import type { SyncView } from './sync-controller.ts';

/**
 * Shows syncing where the radiologist sees it without opening anything: the tray (tooltip and,
 * since some Linux trays show no tooltip, the first line of its menu), the taskbar/dock progress
 * bar, and the window title. No case is ever named (titles and tooltips are not private).
 */

export type ProgressMode = ProgressBarOptions['mode'];

export interface SyncSummary {
  /** e.g. "syncing 3 cases, 42%", "all cases ready offline", "offline", "storage full" */
  text: string;
  /** for the progress bar: 0…1, or -1 for none */
  fraction: number;
  mode: ProgressMode;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Turns what main knows of syncing into one line and a progress bar. */
export function summarize(view: SyncView): SyncSummary | null {
  if (!view.signedIn) return null;
  const pending = view.cases.filter((c) => c.state === 'queued' || c.state === 'syncing');
  const incomplete = view.cases.filter((c) => c.state === 'error').length;
  const done = pending.reduce((sum, c) => sum + c.instancesDone, 0);
  const total = pending.reduce((sum, c) => sum + c.instancesTotal, 0);
  // Never 100 % while something is missing.
  const fraction =
    pending.length === 0 ? -1 : total === 0 ? 0 : Math.floor((100 * done) / total) / 100;
  const state = view.engine?.state;

  if (state === 'storage-full') {
    return { text: 'storage full', fraction: fraction < 0 ? 1 : fraction, mode: 'error' };
  }
  if (view.pausedBy.includes('offline') || state === 'offline') {
    return { text: 'offline', fraction, mode: 'paused' };
  }
  if (state === 'failed') return { text: 'syncing failed', fraction, mode: 'error' };
  if (view.pausedBy.length > 0 || state === 'paused') {
    return { text: 'syncing paused', fraction, mode: 'paused' };
  }
  if (view.engine === null || state === 'idle' || state === 'stopped') {
    return { text: 'starting to sync', fraction: -1, mode: 'none' };
  }
  if (pending.length > 0) {
    return {
      text: `syncing ${plural(pending.length, 'case', 'cases')}, ${Math.round(fraction * 100)}%`,
      fraction,
      mode: 'normal',
    };
  }
  if (incomplete > 0) {
    return {
      text: `${plural(incomplete, 'case', 'cases')} could not be fully synced`,
      fraction: -1,
      mode: 'none',
    };
  }
  if (view.cases.length === 0) {
    const text = view.worklistCount === null ? 'checking the worklist' : 'no cases to sync';
    return { text, fraction: -1, mode: 'none' };
  }
  return { text: 'all cases ready offline', fraction: -1, mode: 'none' };
}

export const APP_NAME = 'Tandem';

export function titleOf(summary: SyncSummary | null): string {
  return summary === null ? APP_NAME : `${APP_NAME} — ${summary.text}`;
}

/** The part of Electron's Tray the display uses, with menus given as templates. */
export interface ProgressTray {
  setToolTip(text: string): void;
  /** `tray.setContextMenu(Menu.buildFromTemplate(items))` */
  setMenu(items: MenuItemConstructorOptions[]): void;
}

/** The part of a BrowserWindow the display uses (a real BrowserWindow satisfies it). */
export interface ProgressWindow {
  setTitle(title: string): void;
  setProgressBar(progress: number, options?: ProgressBarOptions): void;
  isDestroyed(): boolean;
}

export interface SyncProgressDisplayOptions {
  /** null where the desktop has no tray */
  tray: ProgressTray | null;
  windows: () => ProgressWindow[];
  /** the tray's "Pause syncing" check box was clicked */
  setUserPaused: (paused: boolean) => void;
  showWindow: () => void;
}

export class SyncProgressDisplay {
  private readonly options: SyncProgressDisplayOptions;
  private last: { title: string; fraction: number; mode: ProgressMode } | null = null;
  private lastMenu: string | null = null;

  constructor(options: SyncProgressDisplayOptions) {
    this.options = options;
  }

  /** Applies a view; repeats of what is already shown cost nothing. */
  show(view: SyncView): void {
    const summary = summarize(view);
    const shown = {
      title: titleOf(summary),
      fraction: summary?.fraction ?? -1,
      mode: summary?.mode ?? 'none',
    };
    const same =
      this.last !== null &&
      this.last.title === shown.title &&
      this.last.fraction === shown.fraction &&
      this.last.mode === shown.mode;
    if (!same) {
      this.last = shown;
      for (const window of this.options.windows()) this.apply(window);
    }
    this.showInTray(summary, shown.title, view);
  }

  /** Brings a window that opened after the last change up to date. */
  apply(window: ProgressWindow): void {
    if (window.isDestroyed()) return;
    const shown = this.last ?? { title: APP_NAME, fraction: -1, mode: 'none' };
    window.setTitle(shown.title);
    window.setProgressBar(shown.fraction, { mode: shown.mode });
  }

  private showInTray(summary: SyncSummary | null, title: string, view: SyncView): void {
    const tray = this.options.tray;
    if (tray === null) return;
    const { signedIn } = view;
    const paused = view.pausedBy.includes('user');
    const key = JSON.stringify([title, signedIn, paused]);
    if (key === this.lastMenu) return;
    this.lastMenu = key;
    tray.setToolTip(title);
    tray.setMenu([
      { label: summary === null ? 'Signed out' : capitalize(summary.text), enabled: false },
      { type: 'separator' },
      {
        label: 'Pause syncing',
        type: 'checkbox',
        checked: paused,
        enabled: signedIn,
        click: () => this.options.setUserPaused(!paused),
      },
      { label: 'Show Tandem', click: () => this.options.showWindow() },
    ]);
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
