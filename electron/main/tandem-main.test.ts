import type { MenuItemConstructorOptions } from 'electron';
import { beforeEach, describe, expect, it } from 'vitest';
import { IpcChannel } from '../../shared/ipc/host-bridge.ts';
import { ShellIpcChannel } from '../common/shell-ipc.ts';
import { SyncIpcChannel } from '../common/sync-ipc.ts';
import {
  FakeApp,
  FakeBrowserWindow,
  FakeIpcMain,
  FakeNet,
  FakePowerMonitor,
  FakeProtocol,
  FakeScreen,
  fakeDisplay,
  FakeSafeStorage,
  FakeSession,
  FakeSyncTarget,
  FakeTray,
  FakeWebContents,
  ManualEvery,
  MemorySecretFile,
  RecordingLogger,
  fakeEvent,
  navigationEvent,
  senderFrame,
} from '../test-support/electron-fakes.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import type { FetchFunction } from './backend-proxy.ts';
import type { EmbeddedBackend } from './embedded-backend.ts';
import type { SyncSettings } from './sync-settings.ts';
import { startTandem, type TandemMainDeps } from './tandem-main.ts';
import type { WorkstationSettings } from './workstation-settings.ts';
import type { DisplayQaRecord } from '../../shared/display/qa-record.ts';
import { displayQaIpc } from '../common/display-qa-ipc.ts';
import { gsdfConformingReadings } from '../../shared/display/tg18.ts';

class FakeBackend implements EmbeddedBackend {
  readonly origin: Promise<string>;
  readonly exited: Promise<number>;
  stopCalls = 0;
  private resolveExit: (code: number) => void = () => undefined;

  constructor(origin: Promise<string>) {
    this.origin = origin;
    this.origin.catch(() => undefined);
    this.exited = new Promise((resolve) => {
      this.resolveExit = resolve;
    });
  }

  stop(): Promise<void> {
    this.stopCalls += 1;
    this.resolveExit(0);
    return Promise.resolve();
  }
}

const TOKEN = 'tok_main-only';

/** The backend as main's proxy reaches it: answers sign-in and sign-out, records what it got. */
function fakeBackendFetch() {
  const requests: { method: string; path: string; authorization: string | null }[] = [];
  const fetchFn: FetchFunction = (input, init) => {
    const method = init.method ?? 'GET';
    const authorization = new Headers(init.headers).get('authorization');
    requests.push({ method, path: input.pathname, authorization });
    if (input.pathname === '/api/session' && method === 'POST') {
      return Promise.resolve(
        Response.json({
          token: TOKEN,
          user: {
            id: 'u1',
            username: 'radiologist1',
            displayName: 'Dr One',
            role: 'radiologist',
            subspecialties: [],
          },
          expiresAt: '2099-01-01T00:00:00.000Z',
        }),
      );
    }
    if (method === 'DELETE') return Promise.resolve(new Response(null, { status: 204 }));
    return Promise.resolve(Response.json({ items: [] }));
  };
  return { fetchFn, requests };
}

function setup(
  origin: Promise<string> = Promise.resolve('http://127.0.0.1:9'),
  settings: SyncSettings = {},
  workstation: WorkstationSettings = {},
  options: { argv?: string[] } = {},
) {
  const menus: MenuItemConstructorOptions[][] = [];
  const calls: string[] = [];
  const app = new FakeApp(calls);
  const protocol = new FakeProtocol(calls);
  const session = new FakeSession();
  const ipcMain = new FakeIpcMain();
  const backend = new FakeBackend(origin);
  const log = new RecordingLogger();
  const safeStorage = new FakeSafeStorage();
  const credentialsFile = new MemorySecretFile();
  const cacheKeyFile = new MemorySecretFile();
  const power = new FakePowerMonitor();
  const net = new FakeNet();
  const clock = new ManualEvery();
  const tray = new FakeTray();
  const screen = new FakeScreen([
    fakeDisplay(1, { x: 0, y: 0, width: 1920, height: 1080 }),
    fakeDisplay(2, { x: 1920, y: 0, width: 2048, height: 2560 }),
  ]);
  const backendFetch = fakeBackendFetch();
  const qaRecords: DisplayQaRecord[] = [];
  let backendStarts = 0;
  const deps: TandemMainDeps = {
    app,
    BrowserWindow: FakeBrowserWindow,
    protocol,
    ipcMain,
    defaultSession: () => session,
    startBackend: () => {
      backendStarts += 1;
      calls.push('startBackend');
      return backend;
    },
    fetch: backendFetch.fetchFn,
    safeStorage,
    credentialsFile,
    cacheKeyFile,
    powerMonitor: power,
    net,
    createTray: () => tray,
    loadSyncSettings: () => Promise.resolve(settings),
    loadWorkstationSettings: () => Promise.resolve(workstation),
    every: clock.every,
    screen: () => screen,
    layoutStore: { load: () => Promise.resolve({}), save: () => Promise.resolve() },
    qaRecordStore: {
      load: () => Promise.resolve([...qaRecords]),
      append: (record) => {
        qaRecords.push(record);
        return Promise.resolve();
      },
    },
    preloadPath: '/app/out/preload/index.cjs',
    rendererRoot: '/app/out/renderer',
    platform: 'linux',
    argv: options.argv ?? ['/opt/Tandem/tandem'],
    setApplicationMenu: (template) => {
      menus.push(template);
    },
    updater: {
      autoDownload: false,
      autoInstallOnAppQuit: false,
      setFeedURL: () => {
        throw new Error('no update feed in tests');
      },
      checkForUpdates: () => Promise.reject(new Error('no network in tests')),
    },
    isPackaged: false,
    log,
  };
  return {
    deps,
    safeStorage,
    credentialsFile,
    cacheKeyFile,
    power,
    net,
    clock,
    tray,
    requests: backendFetch.requests,
    app,
    protocol,
    session,
    ipcMain,
    backend,
    calls,
    log,
    starts: () => backendStarts,
    menus,
  };
}

describe('main process startup', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
  });

  it('registers app:// and sandboxes every renderer before ready, then wires the rest', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    expect(t.calls).toEqual(['registerSchemesAsPrivileged', 'enableSandbox']);
    expect(t.protocol.handlers.size).toBe(0);
    expect(FakeBrowserWindow.created).toHaveLength(0);

    t.app.becomeReady();
    await expect(started).resolves.toBe(true);
    expect(t.calls).toEqual([
      'registerSchemesAsPrivileged',
      'enableSandbox',
      'ready',
      'startBackend',
      'handle:app',
    ]);
    expect(t.session.requestHandler).not.toBeNull();
    expect(t.session.checkHandler).not.toBeNull();
    expect(t.session.deviceHandler).not.toBeNull();
    // pages' requests anywhere but app://tandem are cancelled
    expect(t.session.beforeRequest).not.toBeNull();
    expect([...t.ipcMain.handlers.keys()].sort()).toEqual(
      [...Object.values(IpcChannel), ...Object.values(displayQaIpc).map((c) => c.channel)].sort(),
    );
    // The sync link's one-way messages from the page (main sends on the command channel).
    expect([...t.ipcMain.messageListeners.keys()].sort()).toEqual(
      [
        ...Object.values(SyncIpcChannel).filter((c) => c !== SyncIpcChannel.command),
        ShellIpcChannel.toShell,
      ].sort(),
    );
    const window = FakeBrowserWindow.created[0];
    expect(window?.loadedUrl).toBe(APP_ENTRY_URL);
    expect(window?.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    expect(window?.options.webPreferences?.sandbox).toBe(true);
  });

  it('guards every WebContents the app creates', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    const contents = new FakeWebContents();
    t.app.emit('web-contents-created', fakeEvent({}), contents);
    const event = navigationEvent('https://evil.example/');
    contents.emit('will-navigate', event);
    expect(event.defaultPrevented).toBe(true);
    expect(contents.windowOpenHandler).toBeDefined();
    t.app.becomeReady();
    await started;
  });

  it('answers HostBridge calls from the app as Electron, with same-origin backend URLs', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const frame = senderFrame(APP_ENTRY_URL);
    await expect(t.ipcMain.invoke(IpcChannel.appInfo, frame)).resolves.toEqual({
      host: 'electron',
      version: '0.1.0-test',
      platform: 'linux',
    });
    await expect(t.ipcMain.invoke(IpcChannel.backendBaseUrl, frame)).resolves.toBe('');
  });

  it('stops the backend before the app quits', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const willQuit = fakeEvent({});
    t.app.emit('will-quit', willQuit);
    expect(willQuit.defaultPrevented).toBe(true);
    expect(t.backend.stopCalls).toBe(1);
    await t.backend.exited;
    await new Promise((resolve) => setImmediate(resolve));
    // It quit again once the backend had stopped, and that second quit went through.
    expect(t.app.quitCount).toBe(1);
    expect(t.backend.stopCalls).toBe(1);
  });

  it('quits when the last window closes (except on macOS)', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    t.app.emit('window-all-closed');
    expect(t.app.quitCount).toBe(1);
  });

  it('keeps serving the UI when the backend fails, and reports it', async () => {
    const failure = Promise.reject(new Error('backend-start-failed'));
    const t = setup(failure);
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const handler = t.protocol.handlers.get('app');
    const res = await handler?.(new Request('app://tandem/api/worklist'));
    expect(res?.status).toBe(503);
    expect(t.log.lines.some((l) => l.startsWith('error the embedded backend did not start'))).toBe(
      true,
    );
  });

  it('forwards to a configured HTTPS backend instead of starting the embedded one', async () => {
    const t = setup(undefined, {}, { backendUrl: 'https://tele.example.org/' });
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    expect(t.starts()).toBe(0);
    await t.protocol.handlers.get('app')?.(new Request('app://tandem/api/worklist'));
    expect(t.requests.at(-1)?.path).toBe('/api/worklist');
    expect(t.log.lines).toContain('info using the configured backend https://tele.example.org');
  });

  it('refuses to start with a plain-HTTP backend on another host, with a message saying why', async () => {
    const t = setup(undefined, {}, { backendUrl: 'http://tele.example.org' });
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await expect(started).rejects.toThrow(/must use HTTPS/);
    expect(t.starts()).toBe(0);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('locks every window after the idle time, and lets the page lift the lock', async () => {
    const t = setup(undefined, {}, { idleLockMinutes: 5 });
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const window = FakeBrowserWindow.created[0];
    if (!window) throw new Error('no window');
    const locks = () =>
      window.webContents.sent.filter((m) => m.channel === ShellIpcChannel.toPage).length;
    t.power.idleSeconds = 3600;
    t.clock.tick();
    expect(locks()).toBe(0); // nobody signed in yet
    await t.protocol.handlers.get('app')?.(
      new Request('app://tandem/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
      }),
    );
    t.clock.tick();
    expect(window.webContents.sent.at(-1)).toEqual({
      channel: ShellIpcChannel.toPage,
      args: [{ type: 'lock' }],
    });
    t.clock.tick();
    expect(locks()).toBe(1);
    // A reloaded page comes up locked.
    t.ipcMain.message(ShellIpcChannel.toShell, senderFrame(APP_ENTRY_URL), window.webContents, {
      type: 'ready',
    });
    expect(locks()).toBe(2);
    t.ipcMain.message(ShellIpcChannel.toShell, senderFrame(APP_ENTRY_URL), window.webContents, {
      type: 'unlocked',
    });
    t.power.emit('lock-screen');
    expect(locks()).toBe(3);
  });

  it("opens an images window on the display a page's hanging protocol asks for", async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const main = FakeBrowserWindow.created[0];
    if (!main) throw new Error('no window');
    const place = (message: unknown) =>
      t.ipcMain.message(
        ShellIpcChannel.toShell,
        senderFrame(APP_ENTRY_URL),
        main.webContents,
        message,
      );
    place({
      type: 'place-viewports',
      display: 1,
      caseId: 'c1',
      viewports: [{ seriesInstanceUid: '1.2' }],
    });
    expect(FakeBrowserWindow.created).toHaveLength(2);
    expect(FakeBrowserWindow.created[1]?.options.x).toBe(1920);
    expect(FakeBrowserWindow.created[1]?.loadedUrl).toBe(`${APP_ENTRY_URL}#/cases/c1/display/1`);
    place({
      type: 'place-viewports',
      display: 1,
      caseId: 'c1',
      viewports: [{ seriesInstanceUid: '1.3' }],
    });
    expect(FakeBrowserWindow.created[1]?.webContents.sent.at(-1)).toEqual({
      channel: ShellIpcChannel.toPage,
      args: [{ type: 'show-viewports', caseId: 'c1', viewports: [{ seriesInstanceUid: '1.3' }] }],
    });
    place({ type: 'place-viewports', display: 1, caseId: '../../x', viewports: [] });
    expect(FakeBrowserWindow.created).toHaveLength(2);
  });

  it('answers display QA from screen, keeps records, and shows the pattern full screen on the chosen display', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const frame = senderFrame(APP_ENTRY_URL);
    await expect(t.ipcMain.invoke(displayQaIpc.displays.channel, frame)).resolves.toEqual([
      { id: '1', label: 'Display 1', width: 1920, height: 1080, scaleFactor: 1, colorDepth: 24 },
      { id: '2', label: 'Display 2', width: 2048, height: 2560, scaleFactor: 1, colorDepth: 24 },
    ]);
    const record: DisplayQaRecord = {
      displayId: '2',
      displayLabel: 'Display 2',
      testedAt: '2026-12-01T10:00:00.000Z',
      displayClass: 'primary',
      readings: gsdfConformingReadings(1, 400),
      ambient: 0,
      pass: true,
      maxDeviation: 0.001,
      luminanceRatio: 400,
    };
    await t.ipcMain.invoke(displayQaIpc.saveRecord.channel, frame, record);
    await expect(t.ipcMain.invoke(displayQaIpc.records.channel, frame)).resolves.toEqual([record]);
    await expect(
      t.ipcMain.invoke(displayQaIpc.saveRecord.channel, frame, { ...record, readings: [1] }),
    ).rejects.toThrow('invalid request');
    await expect(
      t.ipcMain.invoke(displayQaIpc.records.channel, senderFrame('https://evil.example/')),
    ).rejects.toThrow('may not talk');

    await t.ipcMain.invoke(displayQaIpc.showTestPattern.channel, frame, '2');
    const pattern = FakeBrowserWindow.created.at(-1);
    expect(pattern?.options).toMatchObject({ x: 1920, y: 0, fullscreen: true, frame: false });
    expect(pattern?.loadedUrl).toBe(`${APP_ENTRY_URL}#/display-qa/pattern`);
    await expect(
      t.ipcMain.invoke(displayQaIpc.showTestPattern.channel, frame, '9'),
    ).rejects.toThrow('no longer connected');
  });

  it('opens the case of a deep link given at launch once the page listens, and of a second launch', async () => {
    const t = setup(undefined, {}, {}, { argv: ['/opt/Tandem/tandem', 'tandem://case/case-7'] });
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    expect(t.app.protocolClients).toEqual(['tandem']);
    const main = FakeBrowserWindow.created[0];
    if (!main) throw new Error('no window');
    const toPage = () =>
      main.webContents.sent
        .filter((m) => m.channel === ShellIpcChannel.toPage)
        .map((m) => m.args[0]);
    expect(toPage()).toEqual([]);
    t.ipcMain.message(ShellIpcChannel.toShell, senderFrame(APP_ENTRY_URL), main.webContents, {
      type: 'ready',
    });
    expect(toPage()).toEqual([{ type: 'open-case', caseId: 'case-7' }]);

    main.minimized = true;
    t.app.emit('second-instance', fakeEvent({}), ['/opt/Tandem/tandem', 'tandem://case/case-8']);
    t.app.emit('second-instance', fakeEvent({}), ['/opt/Tandem/tandem', 'tandem://case/../x']);
    const openUrl = fakeEvent({});
    t.app.emit('open-url', openUrl, 'tandem://case/case-9');
    expect(openUrl.defaultPrevented).toBe(true);
    expect(toPage().slice(1)).toEqual([
      { type: 'open-case', caseId: 'case-8' },
      { type: 'open-case', caseId: 'case-9' },
    ]);
    expect(main.minimized).toBe(false);
    expect(main.focused).toBe(true);
  });

  it('sets the native menu from the shortcut table; a click replays the key in the focused window', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const image = t.menus[0]?.find((m) => m.label === 'Image');
    const next = (Array.isArray(image?.submenu) ? image.submenu : []).find(
      (i) => i.label === 'Next image',
    );
    expect(next?.accelerator).toBe('Down');
    (next?.click as () => void)();
    expect(FakeBrowserWindow.created[0]?.webContents.sent.at(-1)).toEqual({
      channel: ShellIpcChannel.toPage,
      args: [{ type: 'shortcut', id: 'next-image' }],
    });
  });

  it('hands over to a running instance instead of starting a second one', async () => {
    const t = setup();
    t.app.hasLock = false;
    const started = startTandem(t.deps);
    await expect(started).resolves.toBe(false);
    expect(t.app.quitCount).toBe(1);
    expect(t.starts()).toBe(0);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const t = setup();
    const started = startTandem(t.deps);
    t.app.becomeReady();
    await started;
    const window = FakeBrowserWindow.created[0];
    if (!window) throw new Error('no window');
    window.minimized = true;
    t.app.emit('second-instance', fakeEvent({}), ['/opt/Tandem/tandem']);
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
  });
});

describe('main drives syncing with the credentials it holds', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
  });

  async function started(
    settings: SyncSettings = {},
    prepare?: (t: ReturnType<typeof setup>) => void,
  ) {
    const t = setup(undefined, settings);
    prepare?.(t);
    const running = startTandem(t.deps);
    t.app.becomeReady();
    await running;
    const handler = t.protocol.handlers.get('app');
    if (!handler) throw new Error('no app handler');
    const page = new FakeSyncTarget();
    const window = FakeBrowserWindow.created[0];
    if (!window) throw new Error('no window');
    const commands = () =>
      page.sent.filter((m) => m.channel === SyncIpcChannel.command).map((m) => m.args[0]);
    const attach = () => t.ipcMain.message(SyncIpcChannel.attach, senderFrame(APP_ENTRY_URL), page);
    const report = (event: unknown) =>
      t.ipcMain.message(SyncIpcChannel.event, senderFrame(APP_ENTRY_URL), page, event);
    return { ...t, handler, page, window, commands, attach, report };
  }

  it('starts the worker at sign-in, shows progress, pauses in sleep and stops at sign-out', async () => {
    const t = await started();
    t.attach();
    expect(t.commands()).toEqual([]);
    expect(t.window.title).toBe('Tandem');

    const signIn = await t.handler(
      new Request('app://tandem/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
      }),
    );
    expect(JSON.stringify(await signIn.json())).not.toContain(TOKEN);
    expect(t.commands()).toEqual([{ type: 'start', backendBaseUrl: '' }]);

    // The worker's own requests reach the backend with main's header.
    await t.handler(new Request('app://tandem/api/worklist'));
    expect(t.requests.at(-1)).toEqual({
      method: 'GET',
      path: '/api/worklist',
      authorization: `Bearer ${TOKEN}`,
    });

    t.report({ type: 'status', status: { state: 'running' } });
    t.report({
      type: 'progress',
      progress: {
        caseId: 'c1',
        state: 'syncing',
        instancesDone: 42,
        instancesTotal: 100,
        bytesDone: 1,
        errors: [],
      },
    });
    expect(t.tray.toolTip).toBe('Tandem — syncing 1 case, 42%');
    expect(t.window.title).toBe('Tandem — syncing 1 case, 42%');
    expect(t.window.progress).toEqual({ value: 0.42, mode: 'normal' });

    t.ipcMain.message(SyncIpcChannel.caseOpened, senderFrame(APP_ENTRY_URL), t.page, 'c1');
    t.power.emit('suspend');
    expect(t.commands().slice(1)).toEqual([{ type: 'focus', caseId: 'c1' }, { type: 'pause' }]);
    expect(t.tray.toolTip).toBe('Tandem — syncing paused');

    await t.handler(new Request('app://tandem/api/session', { method: 'DELETE' }));
    expect(t.requests.at(-1)?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(t.commands().at(-1)).toEqual({ type: 'stop' });
    expect(t.tray.toolTip).toBe('Tandem');
    expect(t.window.title).toBe('Tandem');
  });

  it('starts at once with a sign-in the keychain kept from the last run', async () => {
    const t = await started({}, (s) => {
      s.credentialsFile.data = Buffer.from(
        FakeSafeStorage.MARKER +
          Buffer.from(
            JSON.stringify({ token: TOKEN, expiresAt: '2099-01-01T00:00:00.000Z' }),
          ).toString('base64'),
      );
    });
    t.attach();
    expect(t.commands()).toEqual([{ type: 'start', backendBaseUrl: '' }]);
  });

  it("applies the workstation's sync settings", async () => {
    const t = await started({ budgetBytes: 10_000_000, pauseOnLockScreen: true }, (s) => {
      s.safeStorage.backend = 'basic_text';
    });
    expect(t.log.lines.some((l) => l.startsWith('warn') && l.includes('memory only'))).toBe(true);
    t.attach();
    await t.handler(
      new Request('app://tandem/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
      }),
    );
    t.power.emit('lock-screen');
    expect(t.commands()).toEqual([
      { type: 'start', backendBaseUrl: '', budgetBytes: 10_000_000 },
      { type: 'pause' },
    ]);
    expect(t.credentialsFile.writes).toHaveLength(0);
  });

  it('opens the window from the tray and stops watching the network on quit', async () => {
    const t = await started();
    t.window.minimized = true;
    t.tray.click('Show Tandem');
    expect(t.window.minimized).toBe(false);
    expect(t.window.focused).toBe(true);
    t.app.emit('will-quit', fakeEvent({}));
    expect(t.clock.timers.every((timer) => timer.stopped)).toBe(true);
  });
});
