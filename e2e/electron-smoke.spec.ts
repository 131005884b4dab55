import { _electron as electron } from '@playwright/test';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findElectronBinary } from '../electron/build/electron-binary.mjs';
import { REPO_ROOT } from '../backend/test-support/processes.ts';
import { test, expect, DEMO_PASSWORD } from './fixtures.ts';

const binary = findElectronBinary();
const NOT_RUN =
  'NOT RUN: no Electron binary is installed on this machine (node_modules/electron has no dist; set ELECTRON_OVERRIDE_DIST_PATH to use one). The main process is covered by unit tests against typed fakes of the Electron API instead.';
if (binary === null) console.log(`[electron smoke] ${NOT_RUN}`);

// The one allowed skip of the suite: without an Electron binary there is nothing to launch.
test.describe('Electron smoke test (runs only where an Electron binary is installed; reported as not run otherwise)', () => {
  test.skip(binary === null, NOT_RUN);

  test('opens the sandboxed reading window on app://tandem with only the HostBridge exposed, and signs in', async () => {
    const main = path.join(REPO_ROOT, 'out', 'main', 'index.js');
    expect(existsSync(main), 'build the desktop app first: npm run build').toBe(true);
    const userData = mkdtempSync(path.join(tmpdir(), 'tandem-electron-smoke-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [REPO_ROOT, `--user-data-dir=${userData}`],
      env: { ...process.env, TANDEM_DEMO_CACHE: process.env.TANDEM_DEMO_CACHE ?? '' },
      timeout: 60_000,
    });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toMatch(/^app:\/\/tandem\//);
      await expect(page.getByTestId('login-form')).toBeVisible({ timeout: 120_000 });
      const reachable = await page.evaluate(() => ({
        hostKeys: Object.keys((window as { tandemHost?: object }).tandemHost ?? {}).sort(),
        node: typeof (globalThis as { process?: unknown }).process,
        require: typeof (globalThis as { require?: unknown }).require,
      }));
      expect(reachable).toEqual({
        hostKeys: ['appInfo', 'backendBaseUrl', 'displayQa', 'shell', 'sync'],
        node: 'undefined',
        require: 'undefined',
      });
      const form = page.getByTestId('login-form');
      await form.getByLabel('Username').fill('radiologist1');
      await form.getByLabel('Password').fill(DEMO_PASSWORD);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('worklist')).toBeVisible({ timeout: 60_000 });
      // The token stays in main: nothing of it in the page's storage.
      const stored = await page.evaluate(
        () => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie,
      );
      expect(stored).not.toMatch(/tok_|Bearer/);
    } finally {
      await app.close();
      rmSync(userData, { recursive: true, force: true });
    }
  });
});
