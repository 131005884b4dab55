import { writeFixtureDemoCache, type FixtureDemoCache } from './dicom-fixtures.ts';
import {
  makeTempDir,
  removeDir,
  startBackend,
  type BackendProcess,
  type StartBackendOptions,
} from './processes.ts';

/** A backend seeded with the demo cases over the small fixture studies, and what stops it. */
export interface FixtureBackend {
  /** the running backend (a test that restarts it puts the new process here) */
  backend: BackendProcess;
  fixture: FixtureDemoCache;
  /** stops the backend and removes its data and the fixture studies */
  stop(): Promise<void>;
}

/**
 * Starts the real backend process with the demo seed, its studies written from the small DICOM
 * fixtures (not the full demo data): what most backend tests run against.
 */
export async function startFixtureBackend(
  options: StartBackendOptions = {},
): Promise<FixtureBackend> {
  const cacheDir = makeTempDir('fixture-cache');
  const fixture = writeFixtureDemoCache(cacheDir);
  let backend: BackendProcess;
  try {
    backend = await startBackend({
      seed: 'demo',
      ...options,
      env: { TANDEM_DEMO_CACHE: cacheDir, TANDEM_DEMO_SKIP_GENERATE: '1', ...options.env },
    });
  } catch (err) {
    removeDir(cacheDir);
    throw err;
  }
  const started: FixtureBackend = {
    backend,
    fixture,
    async stop() {
      await started.backend.stop();
      removeDir(started.backend.dataDir);
      removeDir(cacheDir);
    },
  };
  return started;
}
