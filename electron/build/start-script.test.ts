import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const script = path.join(root, 'scripts', 'start.mjs');
const workDir = mkdtempSync(path.join(tmpdir(), 'tandem-start-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function start(electronDist: string, ...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    encoding: 'utf8',
    // Point the Electron lookup at a folder we control, whatever this machine has installed.
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: electronDist },
    timeout: 20_000,
  });
}

describe('npm start', () => {
  it('explains that Electron is missing and how to use browser mode, and fails', () => {
    const result = start(path.join(workDir, 'no-electron-here'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Electron is not installed on this machine');
    expect(result.stderr).toContain('no Electron binary could be downloaded');
    expect(result.stderr).toContain('npm run web');
    expect(result.stderr).toContain('http://127.0.0.1:8800');
  });

  it.skipIf(process.platform === 'win32')(
    'launches an installed Electron on the project, passing its arguments, demo data and exit code',
    () => {
      const dist = path.join(workDir, 'electron-dist');
      const fake = path.join(dist, 'electron');
      rmSync(dist, { recursive: true, force: true });
      mkdirSync(dist, { recursive: true });
      writeFileSync(
        fake,
        '#!/bin/sh\necho "fake electron in $(pwd) with: $*"\necho "demo: $TANDEM_DEMO_CACHE $TANDEM_DEMO_SKIP_GENERATE"\nexit 7\n',
      );
      chmodSync(fake, 0o755);
      const result = start(dist, '--no-build', '--enable-logging');
      expect(result.stdout).toContain(`fake electron in ${root} with: . --enable-logging`);
      // The embedded backend is pointed at demo studies generated with Node, not by itself.
      expect(result.stdout).toContain(`demo: ${path.join(root, '.cache', 'demo-data')} 1`);
      expect(result.status).toBe(7);
    },
  );
});
