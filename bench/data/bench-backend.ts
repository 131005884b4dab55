import { cpSync } from 'node:fs';
import path from 'node:path';
import {
  REPO_ROOT,
  makeTempDir,
  removeDir,
  startBackend,
  type BackendProcess,
} from '../../backend/test-support/processes.ts';
import { ensureBenchData, type BenchDataSizes } from './bench-data.ts';

export interface BenchDataBackend {
  backend: BackendProcess;
  /** the built renderer the backend serves */
  uiDir: string;
  /** stops the backend and removes its own database (and the renderer copy it made) */
  close(): Promise<void>;
}

/**
 * A backend seeded from a bench data set of `sizes`, written once into `dataDir`
 * (`ensureBenchData`), serving `ui`, or else a copy of the built renderer taken now, so a rebuild
 * during the run cannot change what is measured.
 */
export async function startBenchDataBackend(
  dataDir: string,
  sizes: BenchDataSizes,
  log: (line: string) => void,
  ui?: string,
): Promise<BenchDataBackend> {
  ensureBenchData(dataDir, sizes, log);
  const copy = ui === undefined ? makeTempDir('bench-ui') : undefined;
  if (copy) cpSync(path.join(REPO_ROOT, 'dist', 'renderer'), copy, { recursive: true });
  try {
    const backend = await startBackend({
      seed: 'demo',
      ui: ui ?? copy!,
      env: { TANDEM_DEMO_CACHE: dataDir, TANDEM_DEMO_SKIP_GENERATE: '1' },
      timeoutMs: 10 * 60_000,
    });
    return {
      backend,
      uiDir: ui ?? copy!,
      async close() {
        await backend.stop();
        removeDir(backend.dataDir);
        if (copy) removeDir(copy);
      },
    };
  } catch (err) {
    if (copy) removeDir(copy);
    throw err;
  }
}
