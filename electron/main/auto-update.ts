import type { AppUpdater } from 'electron-updater';
import type { Logger } from './logger.ts';

/** The part of electron-updater's autoUpdater main uses. */
export type UpdaterPort = Pick<AppUpdater, 'setFeedURL' | 'checkForUpdates'> & {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
};

export interface AutoUpdateOptions {
  updater: UpdaterPort;
  /** the administrator's generic feed (https), from workstation.json; absent: updates are off */
  feedUrl: string | undefined;
  /** only packaged builds can update themselves */
  isPackaged: boolean;
  log: Logger;
}

/**
 * Automatic updates, off unless the site configures a feed: a reading workstation must not
 * change under the radiologist on its own. With a feed, updates are checked at start and
 * downloaded, and installed when the app quits (never mid-read).
 */
export async function configureAutoUpdate(options: AutoUpdateOptions): Promise<boolean> {
  const { updater, log } = options;
  if (options.feedUrl === undefined) {
    log.info('automatic updates are off (no update feed configured)');
    return false;
  }
  if (!options.isPackaged) {
    log.info('automatic updates are off in a development build');
    return false;
  }
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  updater.setFeedURL({ provider: 'generic', url: options.feedUrl });
  try {
    await updater.checkForUpdates();
  } catch (error) {
    log.warn(
      `the update check failed: ${error instanceof Error ? error.message : 'unknown error'}`,
    );
  }
  return true;
}
