import type { Event, Protocol } from 'electron';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import type { FetchFunction } from './backend-proxy.ts';
import type { EmbeddedBackend } from './embedded-backend.ts';
import { registerHostBridgeHandlers, type IpcHandlerRegistry } from './host-bridge-handlers.ts';
import type { Logger } from './logger.ts';
import { openReadingWindow, type WindowFactory, type WindowHandle } from './main-window.ts';
import { installPermissionPolicy, type PermissionSession } from './permissions.ts';
import { guardWebContents, type GuardedWebContents } from './web-contents-guard.ts';

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
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'activate', listener: () => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  on(event: 'will-quit', listener: (event: Event) => void): unknown;
}

export interface TandemMainDeps {
  app: AppLifecycle;
  BrowserWindow: WindowFactory;
  protocol: Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'>;
  ipcMain: IpcHandlerRegistry;
  /** The default session; only read after `ready`. */
  defaultSession: () => PermissionSession;
  /** Starts the embedded backend (after `ready`). */
  startBackend: () => EmbeddedBackend;
  fetch: FetchFunction;
  preloadPath: string;
  rendererRoot: string;
  platform: string;
  log: Logger;
}

/**
 * Wires the main process. Before `ready`: the app:// scheme, sandbox for every renderer, one
 * instance only, and the guard on every WebContents. After `ready`: permission policy, app://
 * handler, embedded backend, HostBridge IPC, the reading window. On quit the backend is stopped
 * before the app exits. Resolves true once the window is opening (false if another instance
 * already runs and this one quits).
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

  let window: WindowHandle | undefined;
  const openWindow = (): void => {
    window = openReadingWindow(deps.BrowserWindow, deps.preloadPath, log);
  };
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => {
    if (deps.BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (deps.platform !== 'darwin') app.quit();
  });

  // Set once the backend is started (after `ready`); read when the app quits.
  const backend: { current?: EmbeddedBackend; stopped: boolean } = { stopped: false };
  app.on('will-quit', (event) => {
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

  const started = deps.startBackend();
  backend.current = started;
  started.origin.catch((error: unknown) => {
    log.error(
      `the embedded backend did not start: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
  });
  handleAppProtocol(deps.protocol, {
    rendererRoot: deps.rendererRoot,
    backendOrigin: () => started.origin.catch(() => null),
    fetch: deps.fetch,
  });

  const host: HostBridge = {
    appInfo: () =>
      Promise.resolve({ host: 'electron', version: app.getVersion(), platform: deps.platform }),
    // main serves the backend under app://tandem: same origin, as in browser mode.
    backendBaseUrl: () => Promise.resolve(''),
  };
  registerHostBridgeHandlers(deps.ipcMain, host, log);

  openWindow();
  return true;
}
