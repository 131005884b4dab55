import {
  app,
  BrowserWindow,
  crashReporter,
  dialog,
  ipcMain,
  Menu,
  nativeImage,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  Tray,
  utilityProcess,
} from 'electron';
import electronUpdater from 'electron-updater';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secretFileAt } from './credentials.ts';
import { demoDataEnv } from './demo-data-env.ts';
import { layoutFileAt } from './display-layout.ts';
import { qaRecordFileAt } from './display-qa-service.ts';
import { startEmbeddedBackend } from './embedded-backend.ts';
import { consoleLogger } from './logger.ts';
import { CRASH_REPORTER_OPTIONS, crashLogWriter, logUncaughtErrors } from './crash-log.ts';
import type { ProgressTray } from './sync-progress.ts';
import { readSyncSettings } from './sync-settings.ts';
import { readWorkstationSettings } from './workstation-settings.ts';
import { TandemError } from '../../shared/api/errors.ts';
import { startTandem } from './tandem-main.ts';

// Built layout (electron-vite): out/main/index.js, out/preload/index.cjs, out/renderer/.
const outDir = path.resolve(import.meta.dirname, '..');

/** The tray icon with its status menu, or null where this build has no icon for it. */
function createTray(): ProgressTray | null {
  const icon = path.join(app.getAppPath(), 'resources', 'icons', '32x32.png');
  if (!existsSync(icon)) {
    consoleLogger.warn(
      'no tray icon in this build: sync progress shows in the taskbar and title only',
    );
    return null;
  }
  const tray = new Tray(nativeImage.createFromPath(icon));
  return {
    setToolTip: (text) => tray.setToolTip(text),
    setMenu: (items) => tray.setContextMenu(Menu.buildFromTemplate(items)),
  };
}

// Crash dumps stay on this machine; main's uncaught errors go to a local log, redacted.
crashReporter.start(CRASH_REPORTER_OPTIONS);
logUncaughtErrors(
  process,
  crashLogWriter({
    dir: path.join(app.getPath('userData'), 'logs'),
    home: os.homedir(),
    log: consoleLogger,
  }),
);

startTandem({
  app,
  BrowserWindow,
  protocol,
  ipcMain,
  defaultSession: () => session.defaultSession,
  safeStorage,
  credentialsFile: secretFileAt(path.join(app.getPath('userData'), 'session.bin')),
  cacheKeyFile: secretFileAt(path.join(app.getPath('userData'), 'cache-key.bin')),
  powerMonitor,
  net,
  createTray,
  loadSyncSettings: () =>
    readSyncSettings(path.join(app.getPath('userData'), 'sync.json'), consoleLogger),
  loadWorkstationSettings: () =>
    readWorkstationSettings(path.join(app.getPath('userData'), 'workstation.json'), consoleLogger),
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
  screen: () => screen,
  layoutStore: layoutFileAt(
    path.join(app.getPath('userData'), 'window-layout.json'),
    consoleLogger,
  ),
  qaRecordStore: qaRecordFileAt(
    path.join(app.getPath('userData'), 'display-qa.json'),
    consoleLogger,
  ),
  preloadPath: path.join(outDir, 'preload', 'index.cjs'),
  rendererRoot: path.join(outDir, 'renderer'),
  platform: process.platform,
  argv: process.argv,
  setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
  updater: electronUpdater.autoUpdater,
  isPackaged: app.isPackaged,
  log: consoleLogger,
}).catch((error: unknown) => {
  consoleLogger.error(
    `startup failed: ${error instanceof Error ? error.message : 'unknown error'}`,
  );
  // A TandemError's message is written for the person at the screen (e.g. an insecure backend URL).
  if (error instanceof TandemError) dialog.showErrorBox('Tandem cannot start', error.message);
  app.exit(1);
});
