#!/usr/bin/env node
// `npm start`: builds Tandem, generates the demo studies (cached) and opens the desktop app with
// its embedded backend.
// Where no Electron binary is installed (our build machines cannot download one) it says so and
// points to browser mode. `npm start -- --no-build` skips the build and the demo data generation
// (use what is there); other arguments go to Electron.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { findElectronBinary } from '../electron/build/electron-binary.mjs';

const root = path.resolve(import.meta.dirname, '..');

const args = process.argv.slice(2);
const skipBuild = args.includes('--no-build');
const electronArgs = args.filter((a) => a !== '--no-build');

const electron = findElectronBinary();
if (electron === null) {
  console.error(`
Tandem cannot open as a desktop app here: Electron is not installed on this machine
(no Electron binary could be downloaded).

Run Tandem in a browser instead:

  npm run web

then open http://127.0.0.1:8800 and sign in with a demo account
(for example radiologist1, password tandem-demo).
`);
  process.exit(1);
}

if (!skipBuild) {
  const build = spawnSync('npm', ['run', 'build'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (build.status !== 0) {
    console.error('\nThe build failed; Tandem was not started.');
    process.exit(build.status ?? 1);
  }
}

// The embedded backend seeds the demo studies, but runs inside Electron (a utility process),
// where it cannot start the generator: run the generator here, with Node (cached after the first
// run), and tell the backend to use its output as it is.
const demoCache = path.join(root, '.cache', 'demo-data');
if (!skipBuild) {
  const generator = path.join(root, 'scripts', 'demo-data', 'cli.ts');
  if (!existsSync(generator)) {
    console.error(`The demo data generator is missing (${path.relative(root, generator)}).`);
    process.exit(1);
  }
  const generated = spawnSync(process.execPath, [generator, '--out', demoCache], {
    cwd: root,
    stdio: 'inherit',
  });
  if (generated.status !== 0) {
    console.error('\nThe demo data could not be generated; Tandem was not started.');
    process.exit(generated.status ?? 1);
  }
}

const child = spawn(electron, ['.', ...electronArgs], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TANDEM_DEMO_CACHE: demoCache, TANDEM_DEMO_SKIP_GENERATE: '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}
child.on('error', (error) => {
  console.error(`Electron could not be started: ${error.message}`);
  process.exit(1);
});
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
