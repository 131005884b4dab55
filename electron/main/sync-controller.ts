import type { PowerMonitor } from 'electron';
import type { SyncCommand } from '../../shared/ipc/sync-channel.ts';
import type { EngineStatus } from '../../shared/sync/engine.ts';
import type { CaseProgress } from '../../shared/sync/records.ts';
import type { SessionChange } from './credentials.ts';
import type { Logger } from './logger.ts';
import type { SyncControlPort } from './sync-control-port.ts';

/**
 * Main's decisions about syncing: *when* the worker runs and *what* goes first. The worker (in
 * the renderer) does the fetching; main tells it to start once someone is signed in, to stop at
 * sign-out, to pause while the machine sleeps, is offline, the screen is locked (if the site
 * wants that) or the user asked, to resume when none of those holds any more, which case the
 * radiologist has open, and how much the cache may hold.
 *
 * Main does not rely on the worker remembering: it keeps what it wants and what it has told the
 * attached worker, and sends only the difference; a reloaded page (a new worker) is told
 * everything again.
 *
 * Online/offline: main polls Chromium's `net.isOnline()` rather than relaying the page's
 * `online`/`offline` events. It is the same signal (Chromium's network-change notifier), but main
 * owns the decision and needs no page to make it: it holds while the window reloads, before the
 * worker attaches, and cannot be told "offline" by a page. A poll every few seconds costs
 * nothing (the value is cached by Chromium), and a late poll loses little: the worker backs off
 * by itself when requests fail. "Online" is only a hint that the server may be reachable.
 */

export type PauseReason = 'suspended' | 'locked' | 'offline' | 'user';

/** The part of Electron's powerMonitor main uses (the real one satisfies it). */
export interface PowerEvents {
  on(event: 'suspend', listener: () => void): unknown;
  on(event: 'resume', listener: () => void): unknown;
  on(event: 'lock-screen', listener: () => void): unknown;
  on(event: 'unlock-screen', listener: () => void): unknown;
}
type _PowerMonitorFits = PowerMonitor extends PowerEvents ? true : never;
const _powerMonitorFits: _PowerMonitorFits = true;
void _powerMonitorFits;

/** Who is signed in, as main's credentials know it. */
export interface SessionState {
  isSignedIn(): boolean;
  onChange(listener: (change: SessionChange) => void): unknown;
}

/** `setInterval` as a port: calls `tick` every `ms` until the returned function is called. */
export type Every = (ms: number, tick: () => void) => () => void;

export const every: Every = (ms, tick) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface SyncControllerOptions {
  port: SyncControlPort;
  session: SessionState;
  power: PowerEvents;
  /** Electron's `net` */
  network: { isOnline(): boolean };
  every: Every;
  /** how often `net.isOnline()` is read (default 5 s) */
  onlinePollMs?: number;
  /** base URL of `/api` and `/dicom-web` for the worker ('': its own origin, app://tandem) */
  backendBaseUrl: string;
  /** pause while the screen is locked (default false: a locked workstation is a good time to fetch) */
  pauseOnLockScreen?: boolean;
  /**
   * How much the case cache may hold, in bytes (null: no limit but the browser's quota;
   * undefined: main has no say and the worker keeps the workstation's own setting).
   */
  budgetBytes?: number | null;
  log: Logger;
}

/** What main knows of syncing, for the tray, the taskbar and the window title. */
export interface SyncView {
  signedIn: boolean;
  online: boolean;
  /** why main holds syncing paused (empty: it does not) */
  pausedBy: PauseReason[];
  /** the worker's last status (null: no worker has reported since it attached) */
  engine: EngineStatus | null;
  /** the worker's last progress of each case */
  cases: CaseProgress[];
  /** cases on the worklist the worker last received (null: none received yet) */
  worklistCount: number | null;
}

/** What main has told the attached worker. */
interface Told {
  started: boolean;
  paused: boolean;
  focus: string | null;
  /** undefined: nothing said */
  budget: number | null | undefined;
}

const NOTHING_TOLD: Told = { started: false, paused: false, focus: null, budget: undefined };

export class SyncController {
  private readonly options: SyncControllerOptions;
  private readonly pauseOnLockScreen: boolean;
  private readonly reasons = new Set<PauseReason>();
  private signedIn: boolean;
  private online: boolean;
  private focus: string | null = null;
  private budget: number | null | undefined;
  private told: Told = { ...NOTHING_TOLD };
  private engine: EngineStatus | null = null;
  private worklistCount: number | null = null;
  private readonly cases = new Map<string, CaseProgress>();
  private readonly viewListeners = new Set<(view: SyncView) => void>();
  private readonly stopPolling: () => void;

  constructor(options: SyncControllerOptions) {
    this.options = options;
    this.pauseOnLockScreen = options.pauseOnLockScreen ?? false;
    this.budget = options.budgetBytes;
    this.signedIn = options.session.isSignedIn();
    this.online = options.network.isOnline();
    if (!this.online) this.reasons.add('offline');

    options.session.onChange((change) => this.sessionChanged(change));
    options.power.on('suspend', () => this.hold('suspended', true));
    options.power.on('resume', () => this.hold('suspended', false));
    options.power.on('lock-screen', () => {
      if (this.pauseOnLockScreen) this.hold('locked', true);
    });
    options.power.on('unlock-screen', () => this.hold('locked', false));
    this.stopPolling = options.every(options.onlinePollMs ?? 5_000, () => this.checkOnline());

    options.port.onAttach(() => {
      // A new worker: it has been told nothing and has reported nothing.
      this.told = { ...NOTHING_TOLD };
      this.forgetProgress();
      this.reconcile();
      this.changed();
    });
    options.port.onEvent((event) => {
      switch (event.type) {
        case 'status':
          if (event.status.state === 'stopped') this.forgetProgress();
          this.engine = event.status;
          break;
        case 'progress':
          this.cases.set(event.progress.caseId, event.progress);
          break;
        case 'worklist':
          this.worklistCount = event.count;
          // The protocol does not say which cases left the worklist; an empty one says all did.
          if (event.count === 0) this.cases.clear();
          break;
      }
      this.changed();
    });
    options.port.onCaseOpened((caseId) => {
      this.focus = caseId;
      this.reconcile();
    });
  }

  view(): SyncView {
    return {
      signedIn: this.signedIn,
      online: this.online,
      pausedBy: [...this.reasons],
      engine: this.engine === null ? null : { ...this.engine },
      cases: [...this.cases.values()],
      worklistCount: this.worklistCount,
    };
  }

  /** Called with every change of the view; returns the unsubscribe function. */
  onView(listener: (view: SyncView) => void): () => void {
    this.viewListeners.add(listener);
    return () => this.viewListeners.delete(listener);
  }

  /** The user paused (true) or resumed (false) syncing, e.g. from the tray. */
  pauseByUser(paused: boolean): void {
    this.hold('user', paused);
  }

  /** A new cache limit in bytes (null: none). */
  setBudget(bytes: number | null): void {
    this.budget = bytes;
    this.reconcile();
  }

  /** Stops watching the network (the app is quitting). */
  dispose(): void {
    this.stopPolling();
  }

  private sessionChanged(change: SessionChange): void {
    const signedIn = change === 'signed-in';
    if (signedIn && this.told.started) {
      // Someone signed in again (maybe someone else): the worker starts over for them.
      this.send({ type: 'stop' });
      this.told = { ...this.told, started: false, paused: false, focus: null };
    }
    this.signedIn = signedIn;
    this.focus = null;
    if (!signedIn) this.forgetProgress();
    this.reconcile();
    this.changed();
  }

  private checkOnline(): void {
    const online = this.options.network.isOnline();
    if (online === this.online) return;
    this.online = online;
    this.options.log.info(online ? 'the network is back' : 'the network is gone');
    // Lifting the pause also ends any backoff the worker was waiting out: it retries at once.
    this.hold('offline', !online);
  }

  private hold(reason: PauseReason, on: boolean): void {
    if (this.reasons.has(reason) === on) return;
    if (on) this.reasons.add(reason);
    else this.reasons.delete(reason);
    this.reconcile();
    this.changed();
  }

  private forgetProgress(): void {
    this.engine = null;
    this.worklistCount = null;
    this.cases.clear();
  }

  /** Sends the attached worker whatever it has not been told yet. */
  private reconcile(): void {
    const told = this.told;
    if (!this.signedIn) {
      if (told.started) this.send({ type: 'stop' });
      this.told = { ...NOTHING_TOLD, budget: told.budget };
      return;
    }
    if (!told.started) {
      this.send({
        type: 'start',
        backendBaseUrl: this.options.backendBaseUrl,
        ...(this.budget === undefined ? {} : { budgetBytes: this.budget }),
      });
      told.started = true;
      told.paused = false;
      told.budget = this.budget;
    }
    if (this.budget !== undefined && told.budget !== this.budget) {
      this.send({ type: 'setBudget', budgetBytes: this.budget });
      told.budget = this.budget;
    }
    const paused = this.reasons.size > 0;
    if (paused !== told.paused) {
      this.send({ type: paused ? 'pause' : 'resume' });
      told.paused = paused;
    }
    if (this.focus !== told.focus) {
      this.send({ type: 'focus', caseId: this.focus });
      told.focus = this.focus;
    }
  }

  private send(command: SyncCommand): void {
    this.options.port.send(command);
  }

  private changed(): void {
    const view = this.view();
    for (const listener of [...this.viewListeners]) listener(view);
  }
}
