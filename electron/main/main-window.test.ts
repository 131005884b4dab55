import { beforeEach, describe, expect, it } from 'vitest';
import { FakeBrowserWindow, fakeEvent, RecordingLogger } from '../test-support/electron-fakes.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import { openReadingWindow, readingWindowOptions } from './main-window.ts';

describe('reading window', () => {
  beforeEach(() => {
    FakeBrowserWindow.created.length = 0;
  });

  it('isolates the page from Node and Electron and keeps web security on', () => {
    const prefs = readingWindowOptions('/app/out/preload/index.cjs').webPreferences;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(prefs?.enableBlinkFeatures).toBeUndefined();
  });

  it('loads the renderer from app://tandem, never file://, and shows it once painted', () => {
    const window = openReadingWindow(FakeBrowserWindow, '/p/index.cjs', new RecordingLogger());
    const fake = FakeBrowserWindow.created[0];
    expect(fake).toBe(window);
    expect(fake?.loadedUrl).toBe(APP_ENTRY_URL);
    expect(APP_ENTRY_URL.startsWith('app://tandem/')).toBe(true);
    expect(fake?.options.show).toBe(false);
    expect(fake?.shown).toBe(false);
    fake?.emit('ready-to-show');
    expect(fake?.shown).toBe(true);
  });

  it('keeps the window and logs when the page does not load', async () => {
    class FailingWindow extends FakeBrowserWindow {
      override loadURL(url: string): Promise<void> {
        this.loadedUrl = url;
        return Promise.reject(new Error('ERR_FAILED (-2) loading app://tandem/index.html'));
      }
    }
    const log = new RecordingLogger();
    const window = openReadingWindow(FailingWindow, '/p/index.cjs', log);
    expect(window).toBeInstanceOf(FailingWindow);
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.lines).toEqual([
      'error the reading window did not load: ERR_FAILED (-2) loading app://tandem/index.html',
    ]);
  });

  it("keeps main's title (sync progress) when the page sets its own", () => {
    const window = openReadingWindow(FakeBrowserWindow, '/p/index.cjs', new RecordingLogger());
    const fake = window as FakeBrowserWindow;
    const event = fakeEvent({});
    fake.emit('page-title-updated', event, 'Worklist');
    expect(event.defaultPrevented).toBe(true);
  });
});
