// Where the Electron executable is, for `npm start` and the Electron smoke test.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The Electron executable, or null when there is none. Finds it the way the `electron` package
 * does (path.txt, ELECTRON_OVERRIDE_DIST_PATH) without loading that package, whose entry point
 * starts a download when the binary is missing.
 * @returns {string | null}
 */
export function findElectronBinary() {
  let packageDir;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  let candidate = null;
  if (override) candidate = path.join(override, executable || 'electron');
  else if (executable) candidate = path.join(packageDir, 'dist', executable);
  return candidate !== null && existsSync(candidate) ? candidate : null;
}
