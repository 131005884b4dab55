import type { ForkOptions, UtilityProcess } from 'electron';
import { existsSync, mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TandemError } from '../../shared/api/errors.ts';
import type { Logger } from './logger.ts';

/**
 * The backend runs in an Electron utility process (`utilityProcess.fork`): a Node environment
 * that Electron starts itself, so it keeps working when the RunAsNode fuse is off in packaged
 * builds (ELECTRON_RUN_AS_NODE is ignored there, so `child_process` + Electron-as-Node would
 * not start), it reads its script from inside app.asar, and Electron tears it down with the app.
 */
export type BackendProcess = Pick<UtilityProcess, 'stdout' | 'stderr' | 'pid' | 'kill'> & {
  once(event: 'exit', listener: (code: number) => void): unknown;
};

/** `utilityProcess.fork` as the launcher uses it. */
export type ForkBackend = (
  modulePath: string,
  args: string[],
  options: ForkOptions,
) => BackendProcess;

export type SeedMode = 'demo' | 'none';

export interface EmbeddedBackendOptions {
  fork: ForkBackend;
  /** backend/dist/main.js */
  modulePath: string;
  /** <userData>/backend: the backend's database and image store. */
  dataDir: string;
  seed: SeedMode;
  /** Added to the process's environment (which it otherwise inherits from main). */
  env?: Readonly<Record<string, string>>;
  log: Logger;
  /** How long to wait for the listening line. */
  startTimeoutMs?: number;
  /** How long stop() waits for the process to exit. */
  stopTimeoutMs?: number;
}

export interface EmbeddedBackend {
  /** http://127.0.0.1:PORT once the backend listens; rejects with a TandemError if it cannot start. */
  readonly origin: Promise<string>;
  /** The exit code once the process has ended, whoever ended it (-1 if it never started). */
  readonly exited: Promise<number>;
  /** Asks the process to end and waits (bounded) for it. Safe to call at any time, more than once. */
  stop(): Promise<void>;
}

const LISTENING_LINE = /^tandem-backend listening on http:\/\/127\.0\.0\.1:(\d{1,5})\/?\s*$/;

/** The backend's origin from its listening line, or null for any other line. Loopback only. */
export function parseListeningLine(line: string): string | null {
  const match = LISTENING_LINE.exec(line);
  if (!match) return null;
  const port = Number(match[1]);
  if (port < 1 || port > 65535) return null;
  return `http://127.0.0.1:${port}`;
}

export function embeddedBackendArgs(dataDir: string, seed: SeedMode): string[] {
  return ['--port', '0', '--data', dataDir, '--seed', seed];
}

function failedToStart(error: TandemError): EmbeddedBackend {
  const origin = Promise.reject(error);
  origin.catch(() => undefined);
  return { origin, exited: Promise.resolve(-1), stop: () => Promise.resolve() };
}

/**
 * Starts the backend on a free loopback port (`--port 0`) and learns the port from its line
 * `tandem-backend listening on http://127.0.0.1:PORT`.
 */
export function startEmbeddedBackend(options: EmbeddedBackendOptions): EmbeddedBackend {
  const { log } = options;
  // Generous: a first start seeds the demo studies (linking or copying them) before it listens.
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;

  if (!existsSync(options.modulePath)) {
    return failedToStart(
      new TandemError(
        'backend-missing',
        'The built-in Tandem server is missing from this installation (in a development checkout: npm run build:backend).',
      ),
    );
  }

  let child: BackendProcess;
  try {
    mkdirSync(options.dataDir, { recursive: true });
    child = options.fork(options.modulePath, embeddedBackendArgs(options.dataDir, options.seed), {
      serviceName: 'Tandem backend',
      stdio: 'pipe',
      env: { ...process.env, ...options.env },
      // A real directory: a process cannot use a working directory inside app.asar.
      cwd: options.dataDir,
    });
  } catch {
    return failedToStart(
      new TandemError('backend-start-failed', 'The built-in Tandem server could not be started.'),
    );
  }

  let exitCode: number | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });

  const stop = async (): Promise<void> => {
    if (exitCode !== undefined) return;
    child.kill();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn(`backend did not exit within ${stopTimeoutMs} ms`);
        resolve();
      }, stopTimeoutMs);
    });
    await Promise.race([exited, gaveUp]);
    clearTimeout(timer);
  };

  // Both streams are read to their end: a full pipe would stall the backend. Its log goes to
  // stderr (stdout carries only the listening line), so stderr is not a sign of trouble.
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => log.info(`backend: ${line}`));
  }

  const origin = new Promise<string>((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new TandemError('backend-start-failed', message));
    };
    const timer = setTimeout(
      () => fail(`The built-in Tandem server did not start within ${startTimeoutMs / 1000} s.`),
      startTimeoutMs,
    );

    void exited.then((code) => {
      if (settled) log.info(`backend exited with code ${code}`);
      else fail(`The built-in Tandem server stopped while starting (exit code ${code}).`);
    });

    if (!child.stdout) {
      fail('The built-in Tandem server could not be started (no output stream).');
      return;
    }
    createInterface({ input: child.stdout }).on('line', (line) => {
      const listening = settled ? null : parseListeningLine(line);
      if (listening === null) {
        log.info(`backend: ${line}`);
        return;
      }
      settled = true;
      clearTimeout(timer);
      log.info(`backend listening on ${listening} (pid ${child.pid ?? '?'})`);
      resolve(listening);
    });
  });
  origin.catch(() => undefined);

  return { origin, exited, stop };
}
