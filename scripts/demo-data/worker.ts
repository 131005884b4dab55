import { parentPort, workerData } from 'node:worker_threads';
import { buildCatalog } from './catalog.ts';
import { JobRunner } from './render-job.ts';
import type { RenderJob } from './render-job.ts';

/** A worker thread of the generator: renders the jobs it is sent and reports what it wrote. */
const runner = new JobRunner(buildCatalog(), (workerData as { root: string }).root);
const port = parentPort!;
port.on('message', (job: RenderJob) => {
  runner.run(job).then(
    (result) => port.postMessage({ ok: true, result }),
    (error: unknown) =>
      port.postMessage({
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});
