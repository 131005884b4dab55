import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { FakeSession, RecordingLogger } from '../test-support/electron-fakes.ts';
import { installPermissionPolicy, isPermissionGranted, type Permission } from './permissions.ts';

// The handlers never look at the WebContents; the tests pass none.
const noContents = null as unknown as WebContents;

function installed() {
  const session = new FakeSession();
  installPermissionPolicy(session, new RecordingLogger());
  return session;
}

function request(session: FakeSession, permission: Permission, requestingUrl: string): boolean {
  let granted: boolean | undefined;
  session.requestHandler?.(noContents, permission, (g) => (granted = g), {
    isMainFrame: true,
    requestingUrl,
  });
  if (granted === undefined) throw new Error('the handler did not answer');
  return granted;
}

describe('permission policy', () => {
  it('denies device, media, location, notification and external requests by default', () => {
    const session = installed();
    const denied: Permission[] = [
      'media',
      'geolocation',
      'notifications',
      'midi',
      'midiSysex',
      'hid',
      'usb',
      'serial',
      'display-capture',
      'openExternal',
      'clipboard-read',
      'pointerLock',
      'window-management',
      'idle-detection',
      'unknown',
    ];
    for (const permission of denied) {
      expect(request(session, permission, 'app://tandem/index.html'), permission).toBe(false);
      expect(
        session.checkHandler?.(noContents, permission, 'app://tandem', { isMainFrame: true }),
        permission,
      ).toBe(false);
    }
  });

  it('grants the few it needs only to app://tandem', () => {
    const session = installed();
    for (const permission of [
      'fullscreen',
      'clipboard-sanitized-write',
      'persistent-storage',
    ] as const) {
      expect(request(session, permission, 'app://tandem/index.html')).toBe(true);
      expect(request(session, permission, 'https://evil.example/')).toBe(false);
      expect(request(session, permission, 'app://other/')).toBe(false);
      expect(
        session.checkHandler?.(noContents, permission, 'app://tandem', { isMainFrame: true }),
      ).toBe(true);
      expect(
        session.checkHandler?.(noContents, permission, 'http://127.0.0.1:8800', {
          isMainFrame: true,
        }),
      ).toBe(false);
    }
  });

  it('hands no HID, USB or serial device to any page', () => {
    const session = installed();
    expect(
      session.deviceHandler?.({ deviceType: 'usb', origin: 'app://tandem', device: {} as never }),
    ).toBe(false);
  });

  it('treats a missing origin as foreign', () => {
    expect(isPermissionGranted('fullscreen', undefined)).toBe(false);
    expect(isPermissionGranted('fullscreen', '')).toBe(false);
  });
});
