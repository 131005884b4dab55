import type { CallbackResponse, OnBeforeRequestListenerDetails } from 'electron';
import { describe, expect, it } from 'vitest';
import { FakeSession, RecordingLogger } from '../test-support/electron-fakes.ts';
import { blockRemoteContent, isPageRequestAllowed } from './remote-content.ts';

/** Runs a request through the installed listener, as Electron would. */
function ask(session: FakeSession, url: string, webContentsId?: number): boolean {
  const details: OnBeforeRequestListenerDetails = {
    id: 1,
    url,
    method: 'GET',
    resourceType: 'xhr',
    referrer: '',
    timestamp: 0,
    uploadData: [],
    ...(webContentsId !== undefined ? { webContentsId } : {}),
  };
  let answer: CallbackResponse | undefined;
  session.beforeRequest?.(details, (response) => (answer = response));
  if (!answer) throw new Error('the listener did not answer');
  return answer.cancel !== true;
}

describe('remote content is never loaded', () => {
  it("cancels a page's requests anywhere but app://tandem, and logs only where to", () => {
    const session = new FakeSession();
    const log = new RecordingLogger();
    blockRemoteContent(session, log);
    expect(ask(session, 'app://tandem/index.html', 3)).toBe(true);
    expect(ask(session, 'app://tandem/api/worklist', 3)).toBe(true);
    for (const url of [
      'https://cdn.example.com/lib.js',
      'http://127.0.0.1:8800/api/worklist',
      'ws://127.0.0.1:9229/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://user:pw@tandem/index.html',
    ]) {
      expect(ask(session, url, 3), url).toBe(false);
    }
    expect(
      log.lines.some((l) => l.includes('blocked') && l.includes('https://cdn.example.com')),
    ).toBe(true);
    // a path can carry patient data: it is never logged
    ask(session, 'https://cdn.example.com/patients/TND-100001', 3);
    expect(log.lines.some((l) => l.includes('TND-100001'))).toBe(false);
  });

  it("lets pages use their own blobs and data URLs, and leaves main's own requests (updates, forwarding) alone", () => {
    expect(isPageRequestAllowed({ url: 'blob:app://tandem/6a1f', webContentsId: 1 })).toBe(true);
    expect(isPageRequestAllowed({ url: 'data:image/png;base64,AA==', webContentsId: 1 })).toBe(
      true,
    );
    expect(
      isPageRequestAllowed({ url: 'devtools://devtools/bundled/x.js', webContentsId: 2 }),
    ).toBe(true);
    expect(isPageRequestAllowed({ url: 'https://updates.example.com/latest.yml' })).toBe(true);
    expect(isPageRequestAllowed({ url: 'not a url', webContentsId: 1 })).toBe(false);
  });
});
