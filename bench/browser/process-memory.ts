// The memory the browser takes from the machine: the proportional set size (PSS: shared pages
// divided among the processes sharing them) of every process descending from this one that is not
// Node (Chromium's browser, renderer, GPU and utility processes), read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

/** `Pss:` of /proc/<pid>/smaps_rollup, in bytes (0 when absent). */
export function parsePssBytes(smapsRollup: string): number {
  const match = /^Pss:\s+(\d+)\s+kB/m.exec(smapsRollup);
  return match ? Number(match[1]) * 1024 : 0;
}

/** pid, parent pid and command name from /proc/<pid>/stat (the name may hold spaces and parens). */
export function parseStat(stat: string): { pid: number; ppid: number; comm: string } | null {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const rest = stat
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  const ppid = Number(rest[1]);
  const pid = Number(stat.slice(0, open).trim());
  if (!Number.isFinite(pid) || !Number.isFinite(ppid)) return null;
  return { pid, ppid, comm: stat.slice(open + 1, close) };
}

/** Every process below `root` in a table of (pid, ppid), excluding `root` itself. */
export function descendants(
  root: number,
  table: ReadonlyArray<{ pid: number; ppid: number; comm: string }>,
): Array<{ pid: number; comm: string }> {
  const children = new Map<number, Array<{ pid: number; comm: string }>>();
  for (const p of table) {
    const list = children.get(p.ppid) ?? [];
    list.push({ pid: p.pid, comm: p.comm });
    children.set(p.ppid, list);
  }
  const out: Array<{ pid: number; comm: string }> = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** Every process of this machine, from /proc: pid, parent and name. */
export function processTable(): Array<{ pid: number; ppid: number; comm: string }> {
  const table: Array<{ pid: number; ppid: number; comm: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const parsed = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (parsed) table.push(parsed);
    } catch {
      // the process ended meanwhile
    }
  }
  return table;
}

/** What kind of Chromium process a command line is: `browser`, `renderer`, `gpu-process`, `utility:…`. */
export function processKind(cmdline: string): string {
  // Chromium rewrites its children's titles: their arguments may be joined by spaces, not NULs.
  const args = cmdline.split(/[\0 ]/);
  const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  if (!type) return 'browser';
  const sub = args.find((a) => a.startsWith('--utility-sub-type='));
  return sub ? `${type}:${sub.slice('--utility-sub-type='.length).split('.').pop()}` : type;
}

/**
 * The processes of one browser: the browser process started with `--user-data-dir=<profileDir>`
 * (a persistent profile) and every process below it. Null when no such browser runs.
 */
function browserOfProfile(
  table: ReadonlyArray<{ pid: number; ppid: number; comm: string }>,
  profileDir: string,
): Array<{ pid: number; comm: string }> | null {
  for (const p of descendants(process.pid, table)) {
    try {
      const args = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
      if (
        args.includes(`--user-data-dir=${profileDir}`) &&
        processKind(args.join('\0')) === 'browser'
      )
        return [p, ...descendants(p.pid, table)];
    } catch {
      // gone, or not readable
    }
  }
  return null;
}

/**
 * PSS of the browser's processes (every non-Node descendant of this process; with `profileDir`,
 * only the browser running that persistent profile and its children) by kind, in bytes.
 */
export function browserPssByKind(profileDir?: string): Record<string, number> {
  const out: Record<string, number> = {};
  const table = processTable();
  const processes =
    profileDir === undefined
      ? descendants(process.pid, table)
      : (browserOfProfile(table, profileDir) ?? []);
  for (const p of processes) {
    if (p.comm === 'node' || p.comm.startsWith('node ')) continue;
    try {
      const pss = parsePssBytes(readFileSync(`/proc/${p.pid}/smaps_rollup`, 'utf8'));
      const kind = processKind(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8'));
      out[kind] = (out[kind] ?? 0) + pss;
    } catch {
      // gone, or not readable
    }
  }
  return out;
}

/** PSS of the browser's processes, in bytes. */
export function browserPssBytes(): number {
  return Object.values(browserPssByKind()).reduce((a, b) => a + b, 0);
}

/** Samples `browserPssBytes` every `everyMs` until stopped; the peak and the samples. */
export function sampleBrowserMemory(
  everyMs = 500,
  profileDir?: string,
): {
  stop(): { peak: number; samples: number[]; atPeak: Record<string, number> };
} {
  const samples: number[] = [];
  let peak = -1;
  let atPeak: Record<string, number> = {};
  const sample = () => {
    const byKind = browserPssByKind(profileDir);
    const total = Object.values(byKind).reduce((a, b) => a + b, 0);
    samples.push(total);
    if (total > peak) {
      peak = total;
      atPeak = byKind;
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peak, samples, atPeak };
    },
  };
}
