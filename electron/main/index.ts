import { app, BrowserWindow, ipcMain, protocol, session, utilityProcess } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { demoDataEnv } from './demo-data-env.ts';
import { startEmbeddedBackend } from './embedded-backend.ts';
import { consoleLogger } from './logger.ts';
import { startTandem } from './tandem-main.ts';

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/.
const outDir = path.resolve(import.meta.dirname, '..');

startTandem({
  app,
  BrowserWindow,
  protocol,
  ipcMain,
  defaultSession: () => session.defaultSession,
  startBackend: () =>
    startEmbeddedBackend({
      fork: (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
      // Packaged, the app path is app.asar, which holds backend/dist next to its node_modules.
      modulePath: path.join(app.getAppPath(), 'backend', 'dist', 'main.js'),
      dataDir: path.join(app.getPath('userData'), 'backend'),
      seed: 'demo',
      env: demoDataEnv({
        env: process.env,
        isPackaged: app.isPackaged,
        resourcesPath: process.resourcesPath,
        exists: existsSync,
      }),
      log: consoleLogger,
    }),
  fetch: (input, init) => fetch(input, init),
  preloadPath: path.join(outDir, 'preload', 'index.cjs'),
  rendererRoot: path.join(outDir, 'renderer'),
  platform: process.platform,
  log: consoleLogger,
}).catch((error: unknown) => {
  consoleLogger.error(
    `startup failed: ${error instanceof Error ? error.message : 'unknown error'}`,
  );
  app.exit(1);
});
