// Which threads of the browser were busy during an action, from a Chromium performance trace:
// the page's main thread, its workers (image decoding, the sync worker), the GPU process
// (SwiftShader rasterizing here)... Answers "is it computing, or waiting on another thread?".
import type { Browser, Page } from '@playwright/test';

export interface ThreadBusy {
  /** process and thread, e.g. "Renderer / CrRendererMain" */
  thread: string;
  busyMs: number;
}

interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  args?: { name?: string };
}

/** Top-level task time per thread, longest first (overlapping tasks counted once). */
export function busyByThread(events: readonly TraceEvent[], top = 8): ThreadBusy[] {
  const processes = new Map<number, string>();
  const threads = new Map<string, string>();
  const spans = new Map<string, Array<[number, number]>>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'process_name') processes.set(e.pid, e.args?.name ?? '');
    if (e.ph === 'M' && e.name === 'thread_name')
      threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
    if (e.ph === 'X' && e.cat?.split(',').includes('toplevel') && e.ts !== undefined && e.dur) {
      const key = `${e.pid}:${e.tid}`;
      let list = spans.get(key);
      if (!list) spans.set(key, (list = []));
      list.push([e.ts, e.ts + e.dur]);
    }
  }
  const out: ThreadBusy[] = [];
  for (const [key, list] of spans) {
    list.sort((a, b) => a[0] - b[0]);
    let busy = 0;
    let end = -Infinity;
    for (const [s, e] of list) {
      if (e <= end) continue;
      busy += e - Math.max(s, end);
      end = e;
    }
    const pid = Number(key.split(':')[0]);
    out.push({
      thread: `${processes.get(pid) ?? `pid ${pid}`} / ${threads.get(key) ?? key}`,
      busyMs: Math.round(busy / 100) / 10,
    });
  }
  return out.sort((a, b) => b.busyMs - a.busyMs).slice(0, top);
}

/** Runs `action` under a Chromium trace of the whole browser; busy time per thread. */
export async function tracedThreads<T>(
  browser: Browser,
  page: Page,
  action: () => Promise<T>,
): Promise<{ result: T; threads: ThreadBusy[] }> {
  await browser.startTracing(page, { categories: ['toplevel', '__metadata'] });
  let result: T;
  try {
    result = await action();
  } catch (err) {
    await browser.stopTracing();
    throw err;
  }
  const buffer = await browser.stopTracing();
  const trace = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  return { result, threads: busyByThread(events) };
}
