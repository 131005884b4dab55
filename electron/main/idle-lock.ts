import type { PowerMonitor } from 'electron';
import type { Logger } from './logger.ts';
import type { Every, SessionState } from './sync-controller.ts';

/** The part of Electron's powerMonitor the idle lock uses (the real one satisfies it). */
export interface IdlePower {
  getSystemIdleTime(): number;
  on(event: 'lock-screen', listener: () => void): unknown;
}
type _PowerMonitorFits = PowerMonitor extends IdlePower ? true : never;
const _powerMonitorFits: _PowerMonitorFits = true;
void _powerMonitorFits;

export interface IdleLockOptions {
  power: IdlePower;
  session: SessionState;
  every: Every;
  /** lock after this many minutes without input anywhere on the machine (0: never) */
  idleMinutes: number;
  /** how often the system idle time is read (default 15 s) */
  pollMs?: number;
  /** tell every window to cover itself with the lock screen */
  lock: () => void;
  log: Logger;
}

/**
 * Locks Tandem after a time without input, and at once when the OS locks the screen. The system
 * idle time counts input to any program, Tandem's windows included, so main needs no report of
 * activity from the pages. Locking never closes a page: the lock screen covers it, so drafts and
 * open viewports stay as they are; the page lifts it once the password is given again
 * (`unlocked`). Only a signed-in session is locked.
 */
export class IdleLock {
  private locked = false;
  private readonly options: IdleLockOptions;
  private readonly stopPolling: () => void;

  constructor(options: IdleLockOptions) {
    this.options = options;
    options.power.on('lock-screen', () => this.engage('the screen was locked'));
    this.stopPolling =
      options.idleMinutes > 0
        ? options.every(options.pollMs ?? 15_000, () => this.check())
        : () => undefined;
  }

  isLocked(): boolean {
    return this.locked;
  }

  /** The page confirmed the password: input may lock it again later. */
  unlocked(): void {
    if (this.locked) this.options.log.info('unlocked');
    this.locked = false;
  }

  dispose(): void {
    this.stopPolling();
  }

  private check(): void {
    const idleSeconds = this.options.power.getSystemIdleTime();
    if (idleSeconds >= this.options.idleMinutes * 60) {
      this.engage(`no input for ${Math.floor(idleSeconds / 60)} min`);
    }
  }

  private engage(reason: string): void {
    if (this.locked || !this.options.session.isSignedIn()) return;
    this.locked = true;
    this.options.log.info(`locked (${reason})`);
    this.options.lock();
  }
}
