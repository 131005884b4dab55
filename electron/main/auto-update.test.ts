import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../test-support/electron-fakes.ts';
import { configureAutoUpdate, type UpdaterPort } from './auto-update.ts';

function fakeUpdater(fail = false) {
  const calls: unknown[] = [];
  const updater: UpdaterPort = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: (options) => {
      calls.push(['setFeedURL', options]);
    },
    checkForUpdates: () => {
      calls.push(['checkForUpdates']);
      return fail ? Promise.reject(new Error('offline')) : Promise.resolve(null);
    },
  };
  return { updater, calls };
}

describe('automatic updates', () => {
  it('are off without a configured feed, and never reach the network', async () => {
    const t = fakeUpdater();
    const log = new RecordingLogger();
    await expect(
      configureAutoUpdate({ updater: t.updater, feedUrl: undefined, isPackaged: true, log }),
    ).resolves.toBe(false);
    expect(t.calls).toEqual([]);
    expect(log.lines).toContain('info automatic updates are off (no update feed configured)');
  });

  it('are off in a development build even with a feed', async () => {
    const t = fakeUpdater();
    await configureAutoUpdate({
      updater: t.updater,
      feedUrl: 'https://updates.example.org/tandem',
      isPackaged: false,
      log: new RecordingLogger(),
    });
    expect(t.calls).toEqual([]);
  });

  it('point electron-updater at the generic feed, install on quit, and survive a failed check', async () => {
    const t = fakeUpdater(true);
    const log = new RecordingLogger();
    await expect(
      configureAutoUpdate({
        updater: t.updater,
        feedUrl: 'https://updates.example.org/tandem',
        isPackaged: true,
        log,
      }),
    ).resolves.toBe(true);
    expect(t.calls).toEqual([
      ['setFeedURL', { provider: 'generic', url: 'https://updates.example.org/tandem' }],
      ['checkForUpdates'],
    ]);
    expect(t.updater.autoInstallOnAppQuit).toBe(true);
    expect(log.lines).toContain('warn the update check failed: offline');
  });
});
