import { beforeEach, describe, expect, it } from 'vitest';
import { IpcChannel } from '../../shared/ipc/host-bridge.ts';
import {
  FakeApp,
  FakeBrowserWindow,
  FakeIpcMain,
  FakeProtocol,
  FakeSession,
  FakeWebContents,
  RecordingLogger,
  fakeEvent,
  navigationEvent,
  senderFrame,
} from '../test-support/electron-fakes.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import type { EmbeddedBackend } from './embedded-backend.ts';
import { startTandem, type TandemMainDeps } from './tandem-main.ts';

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

function setup(origin: Promise<string> = Promise.resolve('http://127.0.0.1:9')) {
  const calls: string[] = [];
  const app = new FakeApp(calls);
  const protocol = new FakeProtocol(calls);
  const session = new FakeSession();
  const ipcMain = new FakeIpcMain();
  const backend = new FakeBackend(origin);
  const log = new RecordingLogger();
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
    fetch: (input, init) => fetch(input, init),
    preloadPath: '/app/out/preload/index.cjs',
    rendererRoot: '/app/out/renderer',
    platform: 'linux',
    log,
  };
  return {
    deps,
    app,
    protocol,
    session,
    ipcMain,
    backend,
    calls,
    log,
    starts: () => backendStarts,
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
    expect([...t.ipcMain.handlers.keys()].sort()).toEqual(Object.values(IpcChannel).sort());
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
    t.app.emit('second-instance');
    expect(window.minimized).toBe(false);
    expect(window.focused).toBe(true);
  });
});
