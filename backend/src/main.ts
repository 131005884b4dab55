import { createBackend } from './app.ts';
import { parseCliArgs } from './config/cli-args.ts';
import { TandemError } from '../../shared/api/errors.ts';

/**
 * Entry point: `node backend/dist/main.js --port 8800 --data DIR [--seed demo|none]
 * [--dicomweb URL] [--ui DIR] [--host 127.0.0.1] [--session-ttl SECONDS]`.
 * Prints exactly one line to stdout once it listens; everything else goes to stderr.
 */
async function main(): Promise<void> {
  let options;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }

  const starting = new AbortController();
  let backend: Awaited<ReturnType<typeof createBackend>> | null = null;
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal: stop now
    stopping = true;
    starting.abort();
    process.stderr.write(`tandem-backend: ${signal}, shutting down\n`);
    const done = backend ? backend.close() : Promise.resolve();
    done.then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  try {
    backend = await createBackend(options, starting.signal);
  } catch (err) {
    if (stopping) return;
    const message = err instanceof TandemError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`tandem-backend: cannot start: ${message}\n`);
    process.exit(1);
  }
  if (stopping) {
    await backend.close();
    return;
  }
  const port = await backend.listen();
  const host = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const shown = host.includes(':') ? `[${host}]` : host;
  process.stdout.write(`tandem-backend listening on http://${shown}:${port}\n`);
}

void main();
