import { describe, expect, it } from 'vitest';
import { FakePowerMonitor, ManualEvery, RecordingLogger } from '../test-support/electron-fakes.ts';
import { IdleLock } from './idle-lock.ts';

function setup(idleMinutes = 10, signedIn = true) {
  const power = new FakePowerMonitor();
  const clock = new ManualEvery();
  const session = { signedIn, isSignedIn: () => session.signedIn, onChange: () => undefined };
  let locks = 0;
  const lock = new IdleLock({
    power,
    session,
    every: clock.every,
    idleMinutes,
    lock: () => {
      locks += 1;
    },
    log: new RecordingLogger(),
  });
  return { power, clock, session, lock, locks: () => locks };
}

describe('the idle lock', () => {
  it('locks once the machine has had no input for the configured time, not before', () => {
    const t = setup(10);
    t.power.idleSeconds = 9 * 60 + 59;
    t.clock.tick();
    expect(t.locks()).toBe(0);
    t.power.idleSeconds = 10 * 60;
    t.clock.tick();
    t.clock.tick();
    expect(t.locks()).toBe(1);
    expect(t.lock.isLocked()).toBe(true);
  });

  it('locks at once when the OS locks the screen', () => {
    const t = setup(10);
    t.power.emit('lock-screen');
    expect(t.locks()).toBe(1);
  });

  it('can lock again after the password was given', () => {
    const t = setup(5);
    t.power.idleSeconds = 600;
    t.clock.tick();
    t.lock.unlocked();
    expect(t.lock.isLocked()).toBe(false);
    t.power.idleSeconds = 10;
    t.clock.tick();
    expect(t.locks()).toBe(1);
    t.power.idleSeconds = 300;
    t.clock.tick();
    expect(t.locks()).toBe(2);
  });

  it('does not lock when nobody is signed in', () => {
    const t = setup(1, false);
    t.power.idleSeconds = 3600;
    t.clock.tick();
    t.power.emit('lock-screen');
    expect(t.locks()).toBe(0);
  });

  it('never locks on idle when set to 0 minutes, but still follows the OS lock', () => {
    const t = setup(0);
    expect(t.clock.timers).toHaveLength(0);
    t.power.emit('lock-screen');
    expect(t.locks()).toBe(1);
  });

  it('stops polling when disposed', () => {
    const t = setup(10);
    t.lock.dispose();
    expect(t.clock.timers.every((timer) => timer.stopped)).toBe(true);
  });
});
