import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RecordingLogger } from '../test-support/electron-fakes.ts';
import {
  parseListeningLine,
  startEmbeddedBackend,
  type EmbeddedBackend,
  type ForkBackend,
} from './embedded-backend.ts';

const fixture = path.resolve(import.meta.dirname, '../test-support/fake-backend.mjs');
const workDir = mkdtempSync(path.join(tmpdir(), 'tandem-embedded-backend-'));
const pids: number[] = [];
const running: EmbeddedBackend[] = [];

/** utilityProcess.fork stood in for by a plain Node child process with the same surface. */
function nodeFork(mode = 'normal'): { fork: ForkBackend; calls: Parameters<ForkBackend>[] } {
  const calls: Parameters<ForkBackend>[] = [];
  const fork: ForkBackend = (modulePath, args, options) => {
    calls.push([modulePath, args, options]);
    const child = spawn(process.execPath, [modulePath, ...args], {
      cwd: options.cwd,
      env: { ...options.env, TANDEM_FAKE_BACKEND: mode },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) pids.push(child.pid);
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      pid: child.pid,
      kill: () => child.kill(),
      once: (_event: 'exit', listener: (code: number) => void) =>
        child.once('exit', (code) => listener(code ?? -1)),
    };
  };
  return { fork, calls };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function start(mode: string, extra: { startTimeoutMs?: number; stopTimeoutMs?: number } = {}) {
  const log = new RecordingLogger();
  const { fork, calls } = nodeFork(mode);
  const dataDir = path.join(workDir, `data-${mode}-${calls.length}-${Date.now()}`);
  const backend = startEmbeddedBackend({
    fork,
    modulePath: fixture,
    dataDir,
    seed: 'demo',
    env: { TANDEM_DEMO_CACHE: '/demo/cache' },
    log,
    ...extra,
  });
  running.push(backend);
  return { backend, log, calls, dataDir };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.stop()));
});

afterAll(() => {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
});

describe('parseListeningLine', () => {
  it('reads the loopback origin from the backend’s listening line', () => {
    expect(parseListeningLine('tandem-backend listening on http://127.0.0.1:8800')).toBe(
      'http://127.0.0.1:8800',
    );
    expect(parseListeningLine('tandem-backend listening on http://127.0.0.1:41234/')).toBe(
      'http://127.0.0.1:41234',
    );
  });

  it('ignores other lines, other hosts and impossible ports', () => {
    for (const line of [
      'fake backend starting',
      'tandem-backend listening on http://0.0.0.0:8800',
      'tandem-backend listening on http://evil.example:8800',
      'tandem-backend listening on http://127.0.0.1:0',
      'tandem-backend listening on http://127.0.0.1:70000',
      'xx tandem-backend listening on http://127.0.0.1:8800',
    ]) {
      expect(parseListeningLine(line), line).toBeNull();
    }
  });
});

describe('embedded backend launcher', () => {
  it('starts the backend on a free port with its data folder and demo seed, and learns the port', async () => {
    const { backend, calls, dataDir } = start('normal');
    const origin = await backend.origin;
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(calls[0]?.[1]).toEqual(['--port', '0', '--data', dataDir, '--seed', 'demo']);
    expect(calls[0]?.[2]).toMatchObject({ stdio: 'pipe', cwd: dataDir });
    // It is really that process answering on that port.
    const answer = (await (await fetch(`${origin}/api/health`)).json()) as {
      args: string[];
      demoCache: string;
      path: string;
    };
    expect(answer.args).toEqual(['--port', '0', '--data', dataDir, '--seed', 'demo']);
    // It inherits main's environment plus what the launcher adds.
    expect(answer.demoCache).toBe('/demo/cache');
    expect(answer.path).toBe(process.env['PATH']);
  });

  it('stops the child process on quit', async () => {
    const { backend } = start('normal');
    await backend.origin;
    const pid = pids.at(-1);
    expect(pid !== undefined && isAlive(pid)).toBe(true);
    await backend.stop();
    await expect(backend.exited).resolves.toBeTypeOf('number');
    expect(isAlive(pid ?? -1)).toBe(false);
    await backend.stop(); // a second stop is harmless
  });

  it('reports a backend that exits before listening', async () => {
    const { backend } = start('exit-early');
    await expect(backend.origin).rejects.toMatchObject({
      code: 'backend-start-failed',
      message: expect.stringContaining('exit code 3'),
    });
  });

  it('gives up on a silent backend after the start timeout and stops it', async () => {
    const { backend } = start('silent', { startTimeoutMs: 500 });
    await expect(backend.origin).rejects.toMatchObject({ code: 'backend-start-failed' });
    await backend.exited;
    expect(isAlive(pids.at(-1) ?? -1)).toBe(false);
  });

  it('does not hang quitting when the backend ignores the request to stop', async () => {
    const { backend, log } = start('ignore-term', { stopTimeoutMs: 300 });
    await backend.origin;
    const started = Date.now();
    await backend.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(log.lines.some((l) => l.includes('did not exit within 300 ms'))).toBe(true);
  });

  it('passes the backend’s output to the log and keeps reading it', async () => {
    const { backend, log } = start('normal');
    await backend.origin;
    expect(log.lines).toContain('info backend: fake backend starting');
    expect(log.lines).toContain('info backend: a warning on stderr');
  });

  it('says so when the backend is not built', async () => {
    const backend = startEmbeddedBackend({
      fork: nodeFork().fork,
      modulePath: path.join(workDir, 'no-such-backend', 'main.js'),
      dataDir: path.join(workDir, 'unused'),
      seed: 'demo',
      log: new RecordingLogger(),
    });
    await expect(backend.origin).rejects.toMatchObject({ code: 'backend-missing' });
    await expect(backend.exited).resolves.toBe(-1);
  });
});
