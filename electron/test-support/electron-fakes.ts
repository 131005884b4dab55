// Typed fakes of the Electron main-process API for unit tests (no Electron binary needed).
// Each fake implements the narrow port the code under test declares, and those ports are
// written in Electron's own types, so a fake (or a call) that drifts from Electron fails to
// compile.
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  DecryptStringAsyncReturnValue,
  Event,
  HandlerDetails,
  MenuItemConstructorOptions,
  ProgressBarOptions,
  Protocol,
  Rectangle,
  SafeStorage,
  Session,
  WebRequest,
  WindowOpenHandlerResponse,
} from 'electron';
import type { SafeStoragePort, SecretFile } from '../main/credentials.ts';
import type { Every, PowerEvents } from '../main/sync-controller.ts';
import type { IpcMessageRegistry, SyncIpcEvent, SyncIpcTarget } from '../main/sync-ipc.ts';
import type { ProgressTray } from '../main/sync-progress.ts';
import type {
  IpcHandlerRegistry,
  IpcSenderEvent,
  SenderFrame,
} from '../main/host-bridge-handlers.ts';
import type { ScreenDisplay, ScreenPort } from '../main/display-layout.ts';
import type { IdlePower } from '../main/idle-lock.ts';
import type { Logger } from '../main/logger.ts';
import type { WindowFactory, WindowHandle } from '../main/main-window.ts';
import type { PermissionSession } from '../main/permissions.ts';
import type { RemoteContentSession } from '../main/remote-content.ts';
import type { AppLifecycle } from '../main/tandem-main.ts';
import type { GuardedWebContents } from '../main/web-contents-guard.ts';

type AnyListener = (...args: never[]) => unknown;

/** Records listeners by event name; `emit` calls them in order. */
export class FakeEmitter {
  readonly listeners = new Map<string, AnyListener[]>();

  on(event: string, listener: AnyListener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  once(event: string, listener: AnyListener): this {
    return this.on(event, listener);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (...a: unknown[]) => unknown)(...args);
    }
  }

  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An Electron `Event` carrying `params`, remembering whether it was prevented. */
export function fakeEvent<P extends object>(params: P): Event<P> {
  let prevented = false;
  return Object.assign(
    {
      preventDefault: () => {
        prevented = true;
      },
      get defaultPrevented() {
        return prevented;
      },
    },
    params,
  );
}

export function navigationEvent(url: string, isMainFrame = true) {
  return fakeEvent({ url, isSameDocument: false, isMainFrame, frame: null });
}

export class FakeWebContents extends FakeEmitter implements GuardedWebContents {
  windowOpenHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | undefined;

  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends FakeEmitter implements WindowHandle {
  static readonly created: FakeBrowserWindow[] = [];
  static getAllWindows(): WindowHandle[] {
    return FakeBrowserWindow.created;
  }
  static getFocusedWindow(): WindowHandle | null {
    return FakeBrowserWindow.created.find((w) => w.focused && !w.destroyed) ?? null;
  }

  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new FakeSyncTarget();
  loadedUrl: string | undefined;
  shown = false;
  focused = false;
  minimized = false;
  destroyed = false;
  title: string;
  progress: { value: number; mode: ProgressBarOptions['mode'] | undefined } | undefined;
  bounds: Rectangle;

  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    this.bounds = {
      x: options.x ?? 0,
      y: options.y ?? 0,
      width: options.width ?? 800,
      height: options.height ?? 600,
    };
    this.title = options.title ?? '';
    FakeBrowserWindow.created.push(this);
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {
    this.focused = true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setProgressBar(progress: number, options?: ProgressBarOptions): void {
    this.progress = { value: progress, mode: options?.mode };
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getBounds(): Rectangle {
    return { ...this.bounds };
  }
  setBounds(bounds: Partial<Rectangle>): void {
    this.bounds = { ...this.bounds, ...bounds };
  }
  /** The user closes the window. */
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}
// The fake class must keep fitting the BrowserWindow port.
export const fakeWindowFactory: WindowFactory = FakeBrowserWindow;

export type PermissionRequestHandler = NonNullable<
  Parameters<Session['setPermissionRequestHandler']>[0]
>;
export type PermissionCheckHandler = NonNullable<
  Parameters<Session['setPermissionCheckHandler']>[0]
>;

export type DevicePermissionHandler = NonNullable<
  Parameters<Session['setDevicePermissionHandler']>[0]
>;

export type BeforeRequestListener = NonNullable<Parameters<WebRequest['onBeforeRequest']>[0]>;

export class FakeSession implements PermissionSession, RemoteContentSession {
  beforeRequest: BeforeRequestListener | null = null;
  readonly webRequest = {
    onBeforeRequest: (listener: BeforeRequestListener | null): void => {
      this.beforeRequest = listener;
    },
  };
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: PermissionCheckHandler | null = null;
  deviceHandler: DevicePermissionHandler | null = null;

  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    this.deviceHandler = handler;
  }

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.checkHandler = handler;
  }
}

type ProtocolHandler = Parameters<Protocol['handle']>[1];

export class FakeProtocol implements Pick<Protocol, 'registerSchemesAsPrivileged' | 'handle'> {
  readonly privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();
  /** Order of calls, to check what happens before `ready`. */
  readonly calls: string[];

  constructor(calls: string[] = []) {
    this.calls = calls;
  }

  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void {
    this.calls.push('registerSchemesAsPrivileged');
    this.privileged.push(...customSchemes);
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    this.calls.push(`handle:${scheme}`);
    this.handlers.set(scheme, handler);
  }
}

type IpcListener = Parameters<IpcHandlerRegistry['handle']>[1];

type IpcMessageListener = Parameters<IpcMessageRegistry['on']>[1];

export class FakeIpcMain implements IpcHandlerRegistry, IpcMessageRegistry {
  readonly handlers = new Map<string, IpcListener>();
  readonly messageListeners = new Map<string, IpcMessageListener[]>();

  on(channel: string, listener: IpcMessageListener): this {
    this.messageListeners.set(channel, [...(this.messageListeners.get(channel) ?? []), listener]);
    return this;
  }

  /** What `ipcRenderer.send(channel, ...args)` from `frame` of the page `sender` would do. */
  message(
    channel: string,
    frame: SyncIpcEvent['senderFrame'],
    sender: SyncIpcTarget,
    ...args: unknown[]
  ): void {
    for (const listener of this.messageListeners.get(channel) ?? []) {
      listener({ senderFrame: frame, sender }, ...args);
    }
  }

  handle(channel: string, listener: IpcListener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }

  /** What `ipcRenderer.invoke(channel, ...args)` from a frame at `frameUrl` would get. */
  async invoke(
    channel: string,
    sender: IpcSenderEvent['senderFrame'],
    ...args: unknown[]
  ): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return await listener({ senderFrame: sender }, ...args);
  }
}

/** A sender frame: top-level unless a parent is given. */
export function senderFrame(url: string, parent: SenderFrame | null = null): SenderFrame {
  return { url, parent };
}

export class FakeApp extends FakeEmitter implements AppLifecycle {
  readonly calls: string[];
  sandboxEnabled = false;
  hasLock = true;
  quitCount = 0;
  private readyResolve: (() => void) | undefined;
  private readonly ready = new Promise<void>((resolve) => {
    this.readyResolve = resolve;
  });

  constructor(calls: string[] = []) {
    super();
    this.calls = calls;
  }

  /** Emits `ready`. */
  becomeReady(): void {
    this.calls.push('ready');
    this.readyResolve?.();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }
  enableSandbox(): void {
    this.calls.push('enableSandbox');
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return this.hasLock;
  }
  readonly protocolClients: string[] = [];
  setAsDefaultProtocolClient(protocol: string): boolean {
    this.protocolClients.push(protocol);
    return true;
  }
  quit(): void {
    this.quitCount += 1;
    this.emit('will-quit', fakeEvent({}));
  }
  getVersion(): string {
    return '0.1.0-test';
  }
}

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

type StorageBackend = ReturnType<SafeStorage['getSelectedStorageBackend']>;

/**
 * safeStorage with a reversible stand-in cipher (base64 behind a marker), so tests can check
 * that nothing readable reaches the disk and decrypt what did.
 */
export class FakeSafeStorage implements SafeStoragePort {
  available = true;
  backend: StorageBackend = 'gnome_libsecret';
  /** Set to make the next decryption ask for re-encryption (a rotated key). */
  rotated = false;
  encryptions = 0;

  static readonly MARKER = 'fake-os-keychain:';

  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.available);
  }
  getSelectedStorageBackend(): StorageBackend {
    return this.backend;
  }
  encryptStringAsync(plainText: string): Promise<Buffer> {
    this.encryptions += 1;
    return Promise.resolve(
      Buffer.from(FakeSafeStorage.MARKER + Buffer.from(plainText).toString('base64')),
    );
  }
  decryptStringAsync(encrypted: Buffer): Promise<DecryptStringAsyncReturnValue> {
    const text = encrypted.toString();
    if (!text.startsWith(FakeSafeStorage.MARKER)) {
      return Promise.reject(new Error('Error while decrypting the ciphertext provided'));
    }
    const result = Buffer.from(text.slice(FakeSafeStorage.MARKER.length), 'base64').toString();
    return Promise.resolve({ result, shouldReEncrypt: this.rotated });
  }
}

/** A SecretFile in memory, recording what was written. */
export class MemorySecretFile implements SecretFile {
  data: Buffer | null = null;
  readonly writes: Buffer[] = [];
  failWrites = false;

  read(): Promise<Buffer | null> {
    return Promise.resolve(this.data);
  }
  write(data: Buffer): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error('disk full'));
    this.writes.push(data);
    this.data = data;
    return Promise.resolve();
  }
  remove(): Promise<void> {
    this.data = null;
    return Promise.resolve();
  }
}

/** A page main can send to: records every message (a WebContents as sync-ipc.ts uses it). */
export class FakeSyncTarget implements SyncIpcTarget {
  private static nextId = 1;
  readonly id = FakeSyncTarget.nextId++;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  destroyed = false;

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** powerMonitor: tests emit 'suspend', 'resume', 'lock-screen', 'unlock-screen'. */
export class FakePowerMonitor extends FakeEmitter implements PowerEvents, IdlePower {
  /** seconds since the last input anywhere on the machine */
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
}

/** Electron's `net` as far as being online goes. */
export class FakeNet {
  online = true;
  isOnline(): boolean {
    return this.online;
  }
}

/** An `Every` driven by the test: `tick()` runs every registered callback once. */
export class ManualEvery {
  readonly timers: { ms: number; tick: () => void; stopped: boolean }[] = [];
  readonly every: Every = (ms, tick) => {
    const timer = { ms, tick, stopped: false };
    this.timers.push(timer);
    return () => {
      timer.stopped = true;
    };
  };
  tick(): void {
    for (const timer of this.timers) if (!timer.stopped) timer.tick();
  }
}

/** A tray that remembers its tooltip and the menu last set. */
export class FakeTray implements ProgressTray {
  toolTip = '';
  menu: MenuItemConstructorOptions[] = [];
  menuUpdates = 0;

  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setMenu(items: MenuItemConstructorOptions[]): void {
    this.menu = items;
    this.menuUpdates += 1;
  }
  /** Clicks the menu item with this label. */
  click(label: string): void {
    const item = this.menu.find((i) => i.label === label);
    if (!item?.click) throw new Error(`no menu item ${label}`);
    (item.click as () => void)();
  }
}

/** A display as `screen` reports it. */
export function fakeDisplay(
  id: number,
  bounds: Rectangle,
  extra: Partial<ScreenDisplay> = {},
): ScreenDisplay {
  return {
    id,
    bounds,
    workArea: { ...bounds, height: bounds.height - 40 },
    size: { width: bounds.width, height: bounds.height },
    scaleFactor: 1,
    colorDepth: 24,
    label: `Display ${id}`,
    internal: false,
    ...extra,
  };
}

/** Electron's `screen`: tests plug displays in and out. */
export class FakeScreen extends FakeEmitter implements ScreenPort {
  displays: ScreenDisplay[];
  primaryId: number;

  constructor(displays: ScreenDisplay[]) {
    super();
    this.displays = displays;
    this.primaryId = displays[0]?.id ?? 0;
  }
  getAllDisplays(): ScreenDisplay[] {
    return [...this.displays];
  }
  getPrimaryDisplay(): ScreenDisplay {
    const primary = this.displays.find((d) => d.id === this.primaryId);
    if (!primary) throw new Error('no primary display');
    return primary;
  }
  unplug(id: number): void {
    const display = this.displays.find((d) => d.id === id);
    if (!display) throw new Error(`no display ${id}`);
    this.displays = this.displays.filter((d) => d.id !== id);
    this.emit('display-removed', fakeEvent({}), display);
  }
  plug(display: ScreenDisplay): void {
    this.displays = [...this.displays, display];
    this.emit('display-added', fakeEvent({}), display);
  }
}
