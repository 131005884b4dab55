import { describe, expect, it } from 'vitest';
import type { SyncCommand, SyncEvent } from '../../shared/ipc/sync-channel.ts';
import type { CaseProgress } from '../../shared/sync/records.ts';
import {
  FakeNet,
  FakePowerMonitor,
  ManualEvery,
  RecordingLogger,
} from '../test-support/electron-fakes.ts';
import type { SessionChange } from './credentials.ts';
import type { SyncControlPort } from './sync-control-port.ts';
import { SyncController, type SyncControllerOptions, type SyncView } from './sync-controller.ts';

/** The worker as main sees it: what it was told, and a way to make it report. */
class FakePort implements SyncControlPort {
  readonly sent: SyncCommand[] = [];
  attached = false;
  private attachListeners: (() => void)[] = [];
  private eventListeners: ((event: SyncEvent) => void)[] = [];
  private caseListeners: ((caseId: string | null) => void)[] = [];

  send(command: SyncCommand): void {
    if (this.attached) this.sent.push(command);
  }
  onAttach(listener: () => void): void {
    this.attachListeners.push(listener);
  }
  onEvent(listener: (event: SyncEvent) => void): void {
    this.eventListeners.push(listener);
  }
  onCaseOpened(listener: (caseId: string | null) => void): void {
    this.caseListeners.push(listener);
  }

  attach(): void {
    this.attached = true;
    for (const l of this.attachListeners) l();
  }
  report(event: SyncEvent): void {
    for (const l of this.eventListeners) l(event);
  }
  openCase(caseId: string | null): void {
    for (const l of this.caseListeners) l(caseId);
  }
  /** The commands sent since the last call. */
  take(): SyncCommand[] {
    return this.sent.splice(0);
  }
}

class FakeSession {
  signedIn = false;
  private listeners: ((change: SessionChange) => void)[] = [];
  isSignedIn(): boolean {
    return this.signedIn;
  }
  onChange(listener: (change: SessionChange) => void): void {
    this.listeners.push(listener);
  }
  change(change: SessionChange): void {
    this.signedIn = change === 'signed-in';
    for (const l of this.listeners) l(change);
  }
}

function setup(overrides: Partial<SyncControllerOptions> = {}, signedIn = true) {
  const port = new FakePort();
  const session = new FakeSession();
  session.signedIn = signedIn;
  const power = new FakePowerMonitor();
  const net = new FakeNet();
  const clock = new ManualEvery();
  const log = new RecordingLogger();
  const make = () =>
    new SyncController({
      port,
      session,
      power,
      network: net,
      every: clock.every,
      backendBaseUrl: '',
      log,
      ...overrides,
    });
  return { port, session, power, net, clock, log, make };
}

const START: SyncCommand = { type: 'start', backendBaseUrl: '' };

function progress(caseId: string, over: Partial<CaseProgress> = {}): SyncEvent {
  return {
    type: 'progress',
    progress: {
      caseId,
      state: 'syncing',
      instancesDone: 1,
      instancesTotal: 4,
      bytesDone: 100,
      errors: [],
      ...over,
    },
  };
}

describe('main starts and stops the sync worker with the session', () => {
  it('starts a signed-in worker as soon as it attaches, and tells it nothing before', () => {
    const t = setup();
    t.make();
    expect(t.port.take()).toEqual([]);
    t.port.attach();
    expect(t.port.take()).toEqual([START]);
  });

  it('waits for sign-in, and stops at sign-out', () => {
    const t = setup({}, false);
    t.make();
    t.port.attach();
    expect(t.port.take()).toEqual([]);
    t.session.change('signed-in');
    expect(t.port.take()).toEqual([START]);
    t.session.change('signed-out');
    expect(t.port.take()).toEqual([{ type: 'stop' }]);
  });

  it('starts over when someone signs in again', () => {
    const t = setup();
    t.make();
    t.port.attach();
    t.port.openCase('case-1');
    t.port.take();
    t.session.change('signed-in');
    // The last user's open case is no longer theirs to put first.
    expect(t.port.take()).toEqual([{ type: 'stop' }, START]);
  });

  it('tells a reloaded page everything again', () => {
    const t = setup({ budgetBytes: 5_000_000 });
    t.make();
    t.port.attach();
    t.power.emit('suspend');
    t.port.openCase('case-7');
    t.port.take();
    t.port.attach();
    expect(t.port.take()).toEqual([
      { ...START, budgetBytes: 5_000_000 },
      { type: 'pause' },
      { type: 'focus', caseId: 'case-7' },
    ]);
  });
});

describe('main pauses and resumes syncing', () => {
  it('pauses while the machine sleeps', () => {
    const t = setup();
    t.make();
    t.port.attach();
    t.port.take();
    t.power.emit('suspend');
    expect(t.port.take()).toEqual([{ type: 'pause' }]);
    t.power.emit('resume');
    expect(t.port.take()).toEqual([{ type: 'resume' }]);
  });

  it('pauses on going offline and resumes when the network is back', () => {
    const t = setup();
    const controller = t.make();
    t.port.attach();
    t.port.take();
    expect(t.clock.timers[0]?.ms).toBe(5_000);
    t.net.online = false;
    t.clock.tick();
    expect(t.port.take()).toEqual([{ type: 'pause' }]);
    expect(controller.view()).toMatchObject({ online: false, pausedBy: ['offline'] });
    t.clock.tick();
    expect(t.port.take()).toEqual([]);
    t.net.online = true;
    t.clock.tick();
    expect(t.port.take()).toEqual([{ type: 'resume' }]);
  });

  it('starts paused when the machine is offline at sign-in', () => {
    const t = setup({}, false);
    t.net.online = false;
    t.make();
    t.port.attach();
    t.session.change('signed-in');
    expect(t.port.take()).toEqual([START, { type: 'pause' }]);
  });

  it('resumes only when nothing holds it paused any more', () => {
    const t = setup({ pauseOnLockScreen: true });
    t.make();
    t.port.attach();
    t.port.take();
    t.power.emit('lock-screen');
    t.power.emit('suspend');
    expect(t.port.take()).toEqual([{ type: 'pause' }]);
    t.power.emit('resume');
    expect(t.port.take()).toEqual([]);
    t.power.emit('unlock-screen');
    expect(t.port.take()).toEqual([{ type: 'resume' }]);
  });

  it('keeps syncing on a locked screen unless the site wants otherwise', () => {
    const t = setup();
    t.make();
    t.port.attach();
    t.port.take();
    t.power.emit('lock-screen');
    t.power.emit('unlock-screen');
    expect(t.port.take()).toEqual([]);
  });

  it('lets the user pause and resume', () => {
    const t = setup();
    const controller = t.make();
    t.port.attach();
    t.port.take();
    controller.pauseByUser(true);
    controller.pauseByUser(true);
    expect(t.port.take()).toEqual([{ type: 'pause' }]);
    expect(controller.view().pausedBy).toEqual(['user']);
    controller.pauseByUser(false);
    expect(t.port.take()).toEqual([{ type: 'resume' }]);
  });

  it('nudges a worker that is waiting out the network when it comes back', () => {
    const t = setup();
    t.make();
    t.port.attach();
    t.port.report({ type: 'status', status: { state: 'offline', retryAt: 99 } });
    t.net.online = false;
    t.clock.tick();
    t.port.take();
    t.net.online = true;
    t.clock.tick();
    // One resume: it lifts main's pause and ends the worker's backoff too.
    expect(t.port.take()).toEqual([{ type: 'resume' }]);
  });

  it('sends nothing about pausing while nobody is signed in', () => {
    const t = setup({}, false);
    t.make();
    t.port.attach();
    t.power.emit('suspend');
    t.power.emit('resume');
    expect(t.port.take()).toEqual([]);
  });

  it('stops watching the network when disposed', () => {
    const t = setup();
    t.make().dispose();
    expect(t.clock.timers[0]?.stopped).toBe(true);
  });
});

describe('main puts the open case first and sets the cache budget', () => {
  it('focuses the case the radiologist opened, once', () => {
    const t = setup();
    t.make();
    t.port.attach();
    t.port.take();
    t.port.openCase('case-3');
    t.port.openCase('case-3');
    expect(t.port.take()).toEqual([{ type: 'focus', caseId: 'case-3' }]);
    t.port.openCase(null);
    expect(t.port.take()).toEqual([{ type: 'focus', caseId: null }]);
  });

  it('starts with the budget and sends a new one', () => {
    const t = setup({ budgetBytes: 1_000 });
    const controller = t.make();
    t.port.attach();
    expect(t.port.take()).toEqual([{ ...START, budgetBytes: 1_000 }]);
    controller.setBudget(1_000);
    expect(t.port.take()).toEqual([]);
    controller.setBudget(null);
    expect(t.port.take()).toEqual([{ type: 'setBudget', budgetBytes: null }]);
  });

  it("leaves the worker's own budget alone when main has none", () => {
    const t = setup();
    t.make();
    t.port.attach();
    expect(t.port.take()).toEqual([START]);
  });
});

describe("main follows the worker's reports", () => {
  it('keeps the last status and progress of each case', () => {
    const t = setup();
    const controller = t.make();
    const views: SyncView[] = [];
    controller.onView((v) => views.push(v));
    t.port.attach();
    t.port.report({ type: 'status', status: { state: 'running' } });
    t.port.report(progress('a'));
    t.port.report(progress('b'));
    t.port.report(progress('a', { instancesDone: 4, state: 'ready' }));
    t.port.report({ type: 'worklist', count: 2, at: 1 });
    const view = controller.view();
    expect(view.engine).toEqual({ state: 'running' });
    expect(view.worklistCount).toBe(2);
    expect(view.cases.map((c) => [c.caseId, c.state])).toEqual([
      ['a', 'ready'],
      ['b', 'syncing'],
    ]);
    expect(views.length).toBeGreaterThanOrEqual(5);
  });

  it('forgets progress when the worker stops, the worklist empties or the user signs out', () => {
    const t = setup();
    const controller = t.make();
    t.port.attach();
    t.port.report(progress('a'));
    t.port.report({ type: 'worklist', count: 0, at: 1 });
    expect(controller.view().cases).toEqual([]);
    t.port.report(progress('a'));
    t.port.report({ type: 'status', status: { state: 'stopped' } });
    expect(controller.view().cases).toEqual([]);
    expect(controller.view().engine).toEqual({ state: 'stopped' });
    t.port.report(progress('a'));
    t.session.change('signed-out');
    expect(controller.view()).toMatchObject({ signedIn: false, cases: [], engine: null });
  });
});
