import path from 'node:path';
import { TandemError } from '../../../shared/api/errors.ts';

/** The backend's command line (ARCHITECTURE.md, "Reference backend"); tests and tooling rely on it. */
export interface BackendOptions {
  port: number;
  host: string;
  dataDir: string;
  seed: 'demo' | 'none';
  /** base URL of an upstream DICOMweb service (e.g. Orthanc's `/dicom-web`), or null for local files */
  dicomweb: string | null;
  uiDir: string | null;
  sessionTtlSeconds: number;
}

export const USAGE =
  'usage: node backend/dist/main.js --port 8800 --data DIR [--seed demo|none] [--dicomweb URL] ' +
  '[--ui DIR] [--host 127.0.0.1] [--session-ttl SECONDS]';

const DEFAULT_SESSION_TTL_SECONDS = 8 * 60 * 60;

export function parseCliArgs(argv: readonly string[]): BackendOptions {
  const values = new Map<string, string>();
  const known = new Set([
    '--port',
    '--data',
    '--seed',
    '--dicomweb',
    '--ui',
    '--host',
    '--session-ttl',
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.has(name)) throw usageError(`unknown option ${JSON.stringify(arg)}`);
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '') throw usageError(`${name} needs a value`);
    values.set(name, value);
  }

  const portText = values.get('--port');
  if (portText === undefined) throw usageError('--port is required');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw usageError('--port must be a number from 0 to 65535');
  }
  const dataDir = values.get('--data');
  if (dataDir === undefined) throw usageError('--data is required');
  const seed = values.get('--seed') ?? 'none';
  if (seed !== 'demo' && seed !== 'none') throw usageError('--seed must be demo or none');

  let dicomweb: string | null = null;
  const dicomwebText = values.get('--dicomweb');
  if (dicomwebText !== undefined) {
    let url: URL;
    try {
      url = new URL(dicomwebText);
    } catch {
      throw usageError('--dicomweb must be an http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw usageError('--dicomweb must be an http(s) URL');
    }
    dicomweb = url.toString().replace(/\/+$/, '');
  }

  const ttlText = values.get('--session-ttl');
  const sessionTtlSeconds = ttlText === undefined ? DEFAULT_SESSION_TTL_SECONDS : Number(ttlText);
  if (!Number.isFinite(sessionTtlSeconds) || sessionTtlSeconds <= 0) {
    throw usageError('--session-ttl must be a positive number of seconds');
  }
  const ui = values.get('--ui');
  return {
    port,
    host: values.get('--host') ?? '127.0.0.1',
    dataDir: path.resolve(dataDir),
    seed,
    dicomweb,
    uiDir: ui === undefined ? null : path.resolve(ui),
    sessionTtlSeconds,
  };
}

function usageError(message: string): TandemError {
  return new TandemError('usage', `${message}\n${USAGE}`);
}
