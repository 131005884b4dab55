// Typed fakes of the Electron main-process API for unit tests (no Electron binary needed).
// Each fake implements the narrow port the code under test declares, and those ports are
// written in Electron's own types, so a fake (or a call) that drifts from Electron fails to
// compile.
import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  Event,
  HandlerDetails,
  Protocol,
  Session,
  WindowOpenHandlerResponse,
} from 'electron';
import type {
  IpcHandlerRegistry,
  IpcSenderEvent,
  SenderFrame,
} from '../main/host-bridge-handlers.ts';
import type { Logger } from '../main/logger.ts';
import type { WindowFactory, WindowHandle } from '../main/main-window.ts';
import type { PermissionSession } from '../main/permissions.ts';
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

  readonly options: BrowserWindowConstructorOptions;
  loadedUrl: string | undefined;
  shown = false;
  focused = false;
  minimized = false;

  constructor(options: BrowserWindowConstructorOptions) {
    super();
    this.options = options;
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

export class FakeSession implements PermissionSession {
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

export class FakeIpcMain implements IpcHandlerRegistry {
  readonly handlers = new Map<string, IpcListener>();

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
