import { describe, expect, it } from 'vitest';
import { watchIdle } from './idle-watcher.ts';

function setup(limitMs: number) {
  const target = new EventTarget();
  let now = 0;
  let tick: (() => void) | undefined;
  let idles = 0;
  const stop = watchIdle({
    target,
    limitMs,
    onIdle: () => {
      idles += 1;
    },
    now: () => now,
    setInterval: (t) => {
      tick = t;
      return 1;
    },
    clearInterval: () => {
      tick = undefined;
    },
  });
  return {
    target,
    advance(ms: number) {
      now += ms;
      tick?.();
    },
    idles: () => idles,
    stop,
    running: () => tick !== undefined,
  };
}

describe('watching for an idle page', () => {
  it('reports idle once after the limit without input, and again only after new input', () => {
    const t = setup(60_000);
    t.advance(59_999);
    expect(t.idles()).toBe(0);
    t.advance(1);
    t.advance(10_000);
    expect(t.idles()).toBe(1);
    t.target.dispatchEvent(new Event('keydown'));
    t.advance(30_000);
    expect(t.idles()).toBe(1);
    t.advance(30_000);
    expect(t.idles()).toBe(2);
  });

  it('counts pointer movement and the wheel as activity', () => {
    const t = setup(1_000);
    t.advance(900);
    t.target.dispatchEvent(new Event('pointermove'));
    t.advance(900);
    t.target.dispatchEvent(new Event('wheel'));
    t.advance(900);
    expect(t.idles()).toBe(0);
  });

  it('does nothing with a limit of 0, and stops when asked', () => {
    const off = setup(0);
    expect(off.running()).toBe(false);
    const t = setup(1_000);
    t.stop();
    expect(t.running()).toBe(false);
  });
});
