import type { BrowserWindowConstructorOptions, Event, Rectangle } from 'electron';
import { APP_ENTRY_URL } from './app-origin.ts';
import type { Logger } from './logger.ts';
import type { ProgressWindow } from './sync-progress.ts';
import type { SyncIpcTarget } from './sync-ipc.ts';

/** The part of a BrowserWindow main uses (a real BrowserWindow satisfies it). */
export interface WindowHandle extends ProgressWindow {
  readonly webContents: SyncIpcTarget;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  getBounds(): Rectangle;
  setBounds(bounds: Partial<Rectangle>): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'page-title-updated', listener: (event: Event, title: string) => void): unknown;
  on(event: 'closed' | 'moved', listener: () => void): unknown;
}

/** The BrowserWindow class as main uses it. */
export interface WindowFactory {
  new (options: BrowserWindowConstructorOptions): WindowHandle;
  getAllWindows(): WindowHandle[];
  getFocusedWindow(): WindowHandle | null;
}

/**
 * A reading window: the renderer is isolated from Node and Electron (context isolation, OS
 * sandbox, no Node in the page, its workers or frames), keeps the same-origin policy, runs no
 * insecure content, no experimental or extra Blink features, no <webview>, and only our preload.
 */
export function readingWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1600,
    height: 1000,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Tandem',
    backgroundColor: '#000000',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

/**
 * Opens a reading window on app://tandem. It shows once painted; a failed load is logged, not
 * thrown: the window stays, and reloading it may succeed. Placed on a display by `bounds`. Main owns the title (it shows sync
 * progress, `sync-progress.ts`): the page's <title> does not replace it.
 */
export function openReadingWindow(
  BrowserWindow: WindowFactory,
  preloadPath: string,
  log: Logger,
  place: { bounds?: Rectangle; route?: string; fullscreen?: boolean } = {},
): WindowHandle {
  const window = new BrowserWindow({
    ...readingWindowOptions(preloadPath),
    ...place.bounds,
    ...(place.fullscreen ? { fullscreen: true, frame: false } : {}),
  });
  window.once('ready-to-show', () => window.show());
  window.on('page-title-updated', (event) => event.preventDefault());
  // The route (a hash such as `#/cases/<id>/display/1`) opens an images window straight on its case.
  window.loadURL(`${APP_ENTRY_URL}${place.route ?? ''}`).catch((error: unknown) => {
    log.error(
      `the reading window did not load: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
  });
  return window;
}
