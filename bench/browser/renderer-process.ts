// The memory of one Chromium renderer process, read from /proc (Linux): which renderer processes
// the browser has, and a process's proportional and resident set sizes.
import { readFileSync } from 'node:fs';
import { descendants, processKind, processTable } from './process-memory.ts';

export interface ProcessMemory {
  /** proportional set size: shared pages divided among the processes sharing them */
  pssBytes: number;
  /** resident set size */
  rssBytes: number;
}

/** `Pss:` and `Rss:` of /proc/<pid>/smaps_rollup, in bytes (0 when absent). */
export function parseRollup(smapsRollup: string): ProcessMemory {
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(smapsRollup);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { pssBytes: kb('Pss'), rssBytes: kb('Rss') };
}

/** The pids of the renderer processes below this Node process (the browser it launched). */
export function rendererPids(): number[] {
  const table = processTable();
  return descendants(process.pid, table).flatMap((p) => {
    try {
      return processKind(readFileSync(`/proc/${p.pid}/cmdline`, 'utf8')) === 'renderer'
        ? [p.pid]
        : [];
    } catch {
      return [];
    }
  });
}

/** A process's PSS and RSS, or null once it has gone. */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    return parseRollup(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  } catch {
    return null;
  }
}
