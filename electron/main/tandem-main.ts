import type { Event, MenuItemConstructorOptions, Protocol } from 'electron';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import type { FetchFunction } from './backend-proxy.ts';
import { Credentials, type SafeStoragePort, type SecretFile } from './credentials.ts';
import { appMenuTemplate } from './app-menu.ts';
import { configureAutoUpdate, type UpdaterPort } from './auto-update.ts';
import { checkedBackendOrigin } from './backend-url.ts';
import { caseIdFromArgv, caseIdFromDeepLink, DEEP_LINK_SCHEME } from './deep-link.ts';
import type { EmbeddedBackend } from './embedded-backend.ts';
import { CacheKeyStore } from './cache-key-store.ts';
import {
  registerHostBridgeHandlers,
  registerValidatedHandlers,
  type IpcHandlerRegistry,
  type ValidatedMethod,
} from './host-bridge-handlers.ts';
import { displayQaIpc } from '../common/display-qa-ipc.ts';
import { createDisplayQaService, type QaRecordStore } from './display-qa-service.ts';
import { IdleLock, type IdlePower } from './idle-lock.ts';
import type { Logger } from './logger.ts';
import type { LayoutStore, ScreenPort } from './display-layout.ts';
import { openReadingWindow, type WindowFactory } from './main-window.ts';
import { WindowManager } from './window-manager.ts';
import { installPermissionPolicy, type PermissionSession } from './permissions.ts';
import { blockRemoteContent, type RemoteContentSession } from './remote-content.ts';
import { connectShellIpc } from './shell-ipc.ts';
import { every, SyncController, type Every, type PowerEvents } from './sync-controller.ts';
import { connectSyncIpc, type IpcMessageRegistry } from './sync-ipc.ts';
import { SyncProgressDisplay, type ProgressTray } from './sync-progress.ts';
import type { SyncSettings } from './sync-settings.ts';
import { guardWebContents, type GuardedWebContents } from './web-contents-guard.ts';
import { DEFAULT_IDLE_LOCK_MINUTES, type WorkstationSettings } from './workstation-settings.ts';

/** The part of Electron's `app` main uses (the real `app` satisfies it). */
export interface AppLifecycle {
  whenReady(): Promise<void>;
  enableSandbox(): void;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  getVersion(): string;
  on(
    event: 'web-contents-created',
    listener: (event: Event, contents: GuardedWebContents) => void,
  ): unknown;
  on(event: 'second-instance', listener: (event: Event, argv: string[]) => void): unknown;
  on(event: 'open-url', listener: (event: Event, url: string) => void): unknown;
  setAsDefaultProtocolClient(protocol: string): boolean;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'will-quit', listener: (event: Event) => void): unknown;
}

export interface TandemMainDeps {
  app: AppLifecycle;
  BrowserWindow: WindowFactory;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  ipcMain: IpcHandlerRegistry & IpcMessageRegistry;
  /** The default session; only read after `ready`. */
  defaultSession: () => PermissionSession & RemoteContentSession;
  /** Electron's safeStorage (used after `ready`). */
  safeStorage: SafeStoragePort;
  /** Where the encrypted session is kept between runs. */
  credentialsFile: SecretFile;
  /** where the image cache key is kept, encrypted by the OS keychain */
  cacheKeyFile: SecretFile;
  /** Electron's powerMonitor (subscribed after `ready`). */
  powerMonitor: PowerEvents & IdlePower;
  /** Electron's net. */
  net: { isOnline(): boolean };
  /** The tray icon (after `ready`), or null where there is none. */
  createTray: () => ProgressTray | null;
  /** The workstation's sync settings (read after `ready`). */
  loadSyncSettings: () => Promise<SyncSettings>;
  /** The administrator's workstation settings (read after `ready`): backend URL, idle lock. */
  loadWorkstationSettings: () => Promise<WorkstationSettings>;
  /** setInterval as a port (tests drive it). */
  every?: Every;
  /** Starts the embedded backend (after `ready`; not when a backend URL is configured). */
  startBackend: () => EmbeddedBackend;
  fetch: FetchFunction;
  /** Electron's screen (only read after `ready`). */
  screen: () => ScreenPort;
  /** Where the windows of each display arrangement are remembered. */
  layoutStore: LayoutStore;
  /** Where display QA records are kept. */
  qaRecordStore: QaRecordStore;
  preloadPath: string;
  rendererRoot: string;
  platform: string;
  /** process.argv: a deep link may come with the first launch */
  argv: readonly string[];
  /** Menu.setApplicationMenu(Menu.buildFromTemplate(template)) */
  setApplicationMenu: (template: MenuItemConstructorOptions[]) => void;
  /** electron-updater's autoUpdater */
  updater: UpdaterPort;
  isPackaged: boolean;
  log: Logger;
}

/**
 * Wires the main process. Before `ready`: the app:// scheme, sandbox for every renderer, one
 * instance only, and the guard on every WebContents. After `ready`: permission policy, embedded
 * backend, credentials (the kept sign-in), app:// handler authenticating what it forwards,
 * HostBridge IPC, the sync link and main's sync controller with its progress display (tray,
 * taskbar, title), the reading window. On quit the backend is stopped before the app exits.
 * Resolves true once the window is opening (false if another instance already runs and this one
 * quits).
 */
export async function startTandem(deps: TandemMainDeps): Promise<boolean> {
  const { app, log } = deps;

  registerAppScheme(deps.protocol);
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    log.info('Tandem is already running; handing over to it');
    app.quit();
    return false;
  }

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));

  // Set after `ready`: the sync controller, its display that new windows start from, the idle
  // lock, and the windows (one per chosen display).
  const syncing: {
    controller?: SyncController;
    display?: SyncProgressDisplay;
    idleLock?: IdleLock;
    windows?: WindowManager;
  } = {};
  const showWindow = (): void => {
    const window = syncing.windows?.mainWindow();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  };
  // A deep link opens its case in the worklist window once a page listens ('ready').
  const links: { pending: string | null; open?: (caseId: string) => void } = {
    pending: caseIdFromArgv(deps.argv),
  };
  const openDeepLink = (caseId: string | null): void => {
    if (caseId === null) return;
    if (links.open) links.open(caseId);
    else links.pending = caseId;
  };
  app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  app.on('second-instance', (_event, argv) => {
    showWindow();
    openDeepLink(caseIdFromArgv(argv));
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(caseIdFromDeepLink(url));
  });
  app.on('activate', () => {
    if (deps.BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  app.on('window-all-closed', () => {
    if (deps.platform !== 'darwin') app.quit();
  });

  // Set once the backend is started (after `ready`); read when the app quits.
  const backend: { current?: EmbeddedBackend; stopped: boolean } = { stopped: false };
  app.on('will-quit', (event) => {
    syncing.controller?.dispose();
    syncing.idleLock?.dispose();
    if (!backend.current || backend.stopped) return;
    // Let the backend close its database before the app exits, then quit for real.
    event.preventDefault();
    void backend.current.stop().finally(() => {
      backend.stopped = true;
      app.quit();
    });
  });

  await app.whenReady();

  installPermissionPolicy(deps.defaultSession(), log);
  blockRemoteContent(deps.defaultSession(), log);

  const workstation = await deps.loadWorkstationSettings();
  // A configured backend must be this machine or HTTPS: refused before anything reaches it.
  const backendOrigin = startBackendFor(workstation, deps, backend);
  const credentials = await Credentials.open({
    safeStorage: deps.safeStorage,
    file: deps.credentialsFile,
    platform: deps.platform,
    log,
  });
  handleAppProtocol(deps.protocol, {
    rendererRoot: deps.rendererRoot,
    backendOrigin,
    fetch: deps.fetch,
    authority: credentials,
  });

  const cacheKeys = new CacheKeyStore({
    safeStorage: deps.safeStorage,
    file: deps.cacheKeyFile,
    platform: deps.platform,
    log,
  });
  const host: HostBridge = {
    appInfo: () =>
      Promise.resolve({ host: 'electron', version: app.getVersion(), platform: deps.platform }),
    // main serves the backend under app://tandem: same origin, as in browser mode.
    backendBaseUrl: () => Promise.resolve(''),
    cacheKey: () => cacheKeys.keyBytes(),
  };
  registerHostBridgeHandlers(deps.ipcMain, host, log);

  const settings = await deps.loadSyncSettings();
  const sync = new SyncController({
    port: connectSyncIpc(deps.ipcMain, log),
    session: credentials,
    power: deps.powerMonitor,
    network: deps.net,
    every: deps.every ?? every,
    // The worker reaches the backend through app://tandem, where main adds the credentials.
    backendBaseUrl: '',
    pauseOnLockScreen: settings.pauseOnLockScreen ?? false,
    ...(settings.budgetBytes === undefined ? {} : { budgetBytes: settings.budgetBytes }),
    log,
  });
  syncing.controller = sync;
  const progress = new SyncProgressDisplay({
    tray: deps.createTray(),
    windows: () => deps.BrowserWindow.getAllWindows(),
    setUserPaused: (paused) => sync.pauseByUser(paused),
    showWindow,
  });
  syncing.display = progress;
  sync.onView((view) => progress.show(view));
  progress.show(sync.view());

  const shell = connectShellIpc(deps.ipcMain, log);
  const windows = new WindowManager({
    screen: deps.screen(),
    store: deps.layoutStore,
    open: (bounds, _role, route) => {
      const window = openReadingWindow(deps.BrowserWindow, deps.preloadPath, log, {
        bounds,
        ...(route === undefined ? {} : { route }),
      });
      syncing.display?.apply(window);
      return window;
    },
    showViewports: (window, caseId, viewports) =>
      shell.send(window.webContents, { type: 'show-viewports', caseId, viewports }),
    log,
  });
  syncing.windows = windows;
  registerValidatedHandlers(
    deps.ipcMain,
    displayQaIpc as unknown as Record<string, ValidatedMethod>,
    createDisplayQaService({
      screen: deps.screen(),
      store: deps.qaRecordStore,
      showPattern: (display) => {
        const window = openReadingWindow(deps.BrowserWindow, deps.preloadPath, log, {
          bounds: display.bounds,
          route: '#/display-qa/pattern',
          fullscreen: true,
        });
        syncing.display?.apply(window);
      },
    }),
    log,
  );
  const idleLock = new IdleLock({
    power: deps.powerMonitor,
    session: credentials,
    every: deps.every ?? every,
    idleMinutes: workstation.idleLockMinutes ?? DEFAULT_IDLE_LOCK_MINUTES,
    lock: () => {
      for (const w of deps.BrowserWindow.getAllWindows())
        shell.send(w.webContents, { type: 'lock' });
    },
    log,
  });
  syncing.idleLock = idleLock;
  shell.onMessage((message, from) => {
    // A page loaded (or reloaded) while Tandem is locked starts under the lock screen.
    if (message.type === 'ready' && idleLock.isLocked()) shell.send(from, { type: 'lock' });
    if (message.type === 'ready' && from.id === windows.mainWindow().webContents.id) {
      links.open = (caseId) => {
        shell.send(windows.mainWindow().webContents, { type: 'open-case', caseId });
        showWindow();
      };
      if (links.pending !== null) links.open(links.pending);
      links.pending = null;
    } else if (message.type === 'unlocked') idleLock.unlocked();
    else if (message.type === 'place-viewports') {
      windows.placeViewports(message.display, message.caseId, message.viewports);
    }
  });

  deps.setApplicationMenu(
    appMenuTemplate({
      platform: deps.platform,
      shortcut: (id) => {
        const focused = deps.BrowserWindow.getFocusedWindow() ?? windows.mainWindow();
        shell.send(focused.webContents, { type: 'shortcut', id });
      },
    }),
  );

  await windows.openAll();
  void configureAutoUpdate({
    updater: deps.updater,
    feedUrl: workstation.updateFeedUrl,
    isPackaged: deps.isPackaged,
    log,
  });
  return true;
}

/**
 * The origin main forwards /api and /dicom-web to: the configured backend (checked: loopback or
 * HTTPS, else startup stops with a TandemError saying so), or the embedded one, started here.
 */
function startBackendFor(
  workstation: WorkstationSettings,
  deps: TandemMainDeps,
  backend: { current?: EmbeddedBackend },
): () => Promise<string | null> {
  if (workstation.backendUrl !== undefined) {
    const origin = checkedBackendOrigin(workstation.backendUrl);
    deps.log.info(`using the configured backend ${origin}`);
    return () => Promise.resolve(origin);
  }
  const started = deps.startBackend();
  backend.current = started;
  started.origin.catch((error: unknown) => {
    deps.log.error(
      `the embedded backend did not start: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
  });
  return () => started.origin.catch(() => null);
}
