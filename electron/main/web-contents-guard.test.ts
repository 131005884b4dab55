import { describe, expect, it } from 'vitest';
import {
  FakeWebContents,
  RecordingLogger,
  fakeEvent,
  navigationEvent,
} from '../test-support/electron-fakes.ts';
import { guardWebContents } from './web-contents-guard.ts';

function guarded() {
  const contents = new FakeWebContents();
  const log = new RecordingLogger();
  guardWebContents(contents, log);
  return { contents, log };
}

describe('web contents guard', () => {
  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])(
    'blocks %s away from app://tandem',
    (eventName) => {
      const { contents } = guarded();
      for (const url of [
        'https://evil.example/phish',
        'http://127.0.0.1:8800/',
        'file:///etc/passwd',
        'app://other/index.html',
        'app://tandem.evil/index.html',
        'javascript:alert(1)',
      ]) {
        const event = navigationEvent(url);
        contents.emit(eventName, event);
        expect(event.defaultPrevented, url).toBe(true);
      }
    },
  );

  it('lets the app navigate within app://tandem', () => {
    const { contents } = guarded();
    const event = navigationEvent('app://tandem/index.html');
    contents.emit('will-navigate', event);
    contents.emit('will-frame-navigate', event);
    expect(event.defaultPrevented).toBe(false);
  });

  it('denies every new window, whatever it asks for, and logs no path or query', () => {
    const { contents, log } = guarded();
    const handler = contents.windowOpenHandler;
    expect(handler).toBeDefined();
    for (const url of [
      'https://example.org/?patient=DOE',
      'app://tandem/index.html',
      'about:blank',
    ]) {
      const answer = handler?.({
        url,
        frameName: '',
        features: '',
        disposition: 'new-window',
        referrer: { url: '', policy: 'no-referrer' },
      });
      expect(answer).toEqual({ action: 'deny' });
    }
    expect(log.lines.join('\n')).not.toContain('DOE');
  });

  it('refuses to attach a <webview>', () => {
    const { contents } = guarded();
    const event = fakeEvent({});
    contents.emit('will-attach-webview', event, {}, { src: 'https://example.org' });
    expect(event.defaultPrevented).toBe(true);
  });
});
