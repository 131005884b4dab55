// The machine a run happened on, written beside its figures: they are comparable only as ratios.
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1-minute load average when the run started: other work on the machine makes figures noisy */
  loadAverage: number;
  os: string;
  node: string;
  chromium: string;
  /** the commit measured, `+dirty` when the working tree had changes */
  commit: string;
}

function commitOf(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' });
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8' });
    return `${head.trim()}${dirty.trim() ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(chromiumVersion: string, repoRoot: string): Machine {
  const cpu = cpus();
  const gib = (bytes: number) => Math.round((bytes / 1024 ** 3) * 10) / 10;
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: gib(totalmem()),
    freeMemoryGiB: gib(freemem()),
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
    os: `${platform()} ${release()}`,
    node: process.version,
    chromium: chromiumVersion,
    commit: commitOf(repoRoot),
  };
}

export function machineLine(m: Machine): string {
  return (
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; ${m.os}; Node ${m.node}; ` +
    `Chromium ${m.chromium}; load ${m.loadAverage} at start`
  );
}
