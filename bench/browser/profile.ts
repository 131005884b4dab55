// Where a page's main-thread time goes, through the DevTools protocol: Blink's own counters of
// script, style and layout time, and a sampled CPU profile summarised by self time.
import type { CDPSession, Page } from '@playwright/test';

export interface MainThreadTime {
  /** ms of main-thread tasks, and of the script, style recalculation and layout within them */
  taskMs: number;
  scriptMs: number;
  styleMs: number;
  layoutMs: number;
}

async function counters(cdp: CDPSession): Promise<Map<string, number>> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as {
    metrics: Array<{ name: string; value: number }>;
  };
  return new Map(metrics.map((m) => [m.name, m.value]));
}

/** Runs `action` and returns how much main-thread time the page spent meanwhile, by kind. */
export async function mainThreadTime<T>(
  page: Page,
  action: () => Promise<T>,
): Promise<{ result: T; time: MainThreadTime }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const before = await counters(cdp);
    const result = await action();
    const after = await counters(cdp);
    const ms = (name: string) =>
      Math.round(((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000);
    return {
      result,
      time: {
        taskMs: ms('TaskDuration'),
        scriptMs: ms('ScriptDuration'),
        styleMs: ms('RecalcStyleDuration'),
        layoutMs: ms('LayoutDuration'),
      },
    };
  } finally {
    await cdp.detach();
  }
}

export interface HotFunction {
  /** function name, file and line */
  where: string;
  selfMs: number;
}

/** A V8 CPU profile as DevTools' `Profiler.stop` returns it (the parts read here). */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time per function (name, file, line and column: minified bundles are one line) of a
 * profile; the `top` ones. Idle is the thread waiting (for workers, the network, the GPU): said
 * apart, not ranked.
 */
export function summarizeProfile(
  profile: CpuProfile,
  top: number,
): { hot: HotFunction[]; totalMs: number; idleMs: number } {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const frame = byNode.get(id)?.callFrame;
    if (!frame) return;
    const file = frame.url ? frame.url.split('/').pop() : '';
    const name = frame.functionName || '(anonymous)';
    const key = file ? `${name} ${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : name;
    self.set(key, (self.get(key) ?? 0) + us);
  });
  const idle = self.get('(idle)') ?? 0;
  self.delete('(idle)');
  const hot = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, us]) => ({ where, selfMs: Math.round(us / 100) / 10 }));
  return { hot, totalMs: Math.round(total / 1000), idleMs: Math.round(idle / 1000) };
}

/** Runs `action` under the V8 sampling profiler; the functions with the most self time. */
export async function hotFunctions<T>(
  page: Page,
  action: () => Promise<T>,
  top = 12,
): Promise<{ result: T; hot: HotFunction[]; totalMs: number; idleMs: number }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const result = await action();
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    return { result, ...summarizeProfile(profile, top) };
  } finally {
    await cdp.detach();
  }
}

/**
 * Profiles a dedicated worker of the page (the first whose URL `matches`; when it goes, with a
 * page load, the next one) from its start: call before the page starts it. `stop()` returns its
 * functions with the most self time, or `undefined` when no such worker is running. Workers are
 * reached through the page's DevTools session (auto-attach, messages relayed by target), as
 * Playwright has no session of their own.
 */
export async function profileWorker(
  page: Page,
  matches: (url: string) => boolean,
  top = 15,
): Promise<{ stop(): Promise<ReturnType<typeof summarizeProfile> | undefined> }> {
  const cdp = await page.context().newCDPSession(page);
  let seq = 1;
  const replies = new Map<number, { resolve: (result: unknown) => void; reject: () => void }>();
  /** the profiled worker's session, and its profiler's start */
  let sessionId: string | undefined;
  let started: Promise<unknown> | undefined;
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = seq++;
      replies.set(id, { resolve, reject: () => reject(new Error(`the worker went (${method})`)) });
      cdp
        .send('Target.sendMessageToTarget', {
          sessionId: sessionId!,
          message: JSON.stringify({ id, method, params }),
        })
        .catch(reject);
    });
  cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
    const m = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (m.id === undefined) return;
    replies.get(m.id)?.resolve(m.result);
    replies.delete(m.id);
  });
  cdp.on('Target.detachedFromTarget', (e: { sessionId: string }) => {
    if (e.sessionId !== sessionId) return;
    // that worker went (the page loaded again): the next one that matches is profiled
    sessionId = undefined;
    started = undefined;
    for (const r of replies.values()) r.reject();
    replies.clear();
  });
  cdp.on(
    'Target.attachedToTarget',
    (e: { sessionId: string; targetInfo: { type: string; url: string } }) => {
      if (sessionId || e.targetInfo.type !== 'worker' || !matches(e.targetInfo.url)) return;
      sessionId = e.sessionId;
      started = (async () => {
        await call('Profiler.enable');
        await call('Profiler.setSamplingInterval', { interval: 200 });
        await call('Profiler.start');
      })();
      started.catch(() => {});
    },
  );
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  return {
    async stop() {
      try {
        if (!started) return undefined;
        await started;
        const { profile } = (await call('Profiler.stop')) as { profile: CpuProfile };
        return summarizeProfile(profile, top);
      } finally {
        await cdp.detach().catch(() => {});
      }
    },
  };
}
