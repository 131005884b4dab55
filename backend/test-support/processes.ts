// Start and stop the real backend process (and a real Orthanc) for tests. Shared by the backend's
// Vitest suites and the Playwright e2e suite, so it imports no test framework.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BACKEND_ENTRY = path.join(REPO_ROOT, 'backend', 'dist', 'main.js');
export const ORTHANC_BINARY = process.env['TANDEM_ORTHANC'] ?? '/usr/sbin/Orthanc';
export const ORTHANC_DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

const LISTENING = /^tandem-backend listening on (http:\/\/\S+)$/;

export interface BackendProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** everything the process wrote to stderr so far (its log) */
  stderr(): string;
  /** everything it wrote to stdout so far */
  stdout(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code */
  stop(): Promise<number | null>;
}

export interface StartBackendOptions {
  /** data directory; a fresh temporary one when omitted */
  dataDir?: string;
  seed?: 'demo' | 'none';
  dicomweb?: string;
  ui?: string;
  sessionTtlSeconds?: number;
  /** extra environment, e.g. TANDEM_DEMO_CACHE */
  env?: Record<string, string>;
  extraArgs?: string[];
  /** how long to wait for the listening line (seeding the full demo data takes minutes the first time) */
  timeoutMs?: number;
}

export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `tandem-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Starts `node backend/dist/main.js --port 0 …` and waits for its listening line. */
export async function startBackend(options: StartBackendOptions = {}): Promise<BackendProcess> {
  if (!existsSync(BACKEND_ENTRY)) {
    throw new Error(`${BACKEND_ENTRY} is missing: build the backend first (npm run build:backend)`);
  }
  const dataDir = options.dataDir ?? makeTempDir('backend-data');
  const args = [BACKEND_ENTRY, '--port', '0', '--data', dataDir, '--seed', options.seed ?? 'none'];
  if (options.dicomweb) args.push('--dicomweb', options.dicomweb);
  if (options.ui) args.push('--ui', options.ui);
  if (options.sessionTtlSeconds !== undefined)
    args.push('--session-ttl', String(options.sessionTtlSeconds));
  args.push(...(options.extraArgs ?? []));

  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`backend did not start within ${options.timeoutMs ?? 30_000} ms\n${tail(err)}`),
      );
    }, options.timeoutMs ?? 30_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      for (const line of out.split('\n')) {
        const m = LISTENING.exec(line.trim());
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited with code ${code} before listening\n${tail(err)}`));
    });
  });

  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    child,
    stderr: () => err,
    stdout: () => out,
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  graceMs = 10_000,
): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

function tail(text: string, lines = 30): string {
  return text.split('\n').slice(-lines).join('\n');
}

/** A free TCP port on the loopback interface (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface OrthancProcess {
  /** e.g. http://127.0.0.1:43210 */
  url: string;
  /** e.g. http://127.0.0.1:43210/dicom-web */
  dicomwebUrl: string;
  dir: string;
  child: ChildProcess;
  log(): string;
  /** stops Orthanc and removes its storage */
  stop(): Promise<void>;
}

export function orthancAvailable(): boolean {
  return existsSync(ORTHANC_BINARY) && existsSync(ORTHANC_DICOMWEB_PLUGIN);
}

/** Starts Orthanc with the DICOMweb plugin on a free loopback port, with its own temporary storage. */
export async function startOrthanc(options: { timeoutMs?: number } = {}): Promise<OrthancProcess> {
  const dir = makeTempDir('orthanc');
  const port = await freePort();
  const storage = path.join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const config = {
    Name: 'tandem-test',
    StorageDirectory: storage,
    IndexDirectory: storage,
    HttpPort: port,
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    Plugins: [ORTHANC_DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
  };
  const configPath = path.join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  const child = spawn(ORTHANC_BINARY, [configPath], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) {
      removeDir(dir);
      throw new Error(`Orthanc exited with code ${exitCode}\n${tail(log)}`);
    }
    try {
      const res = await fetch(`${url}/system`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      removeDir(dir);
      throw new Error(
        `Orthanc did not answer within ${options.timeoutMs ?? 30_000} ms\n${tail(log)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dicomwebUrl: `${url}/dicom-web`,
    dir,
    child,
    log: () => log,
    async stop() {
      await stopChild(child, exited);
      removeDir(dir);
    },
  };
}
