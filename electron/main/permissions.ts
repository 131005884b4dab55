import type { Session } from 'electron';
import { isAppUrl } from './app-origin.ts';
import type { Logger } from './logger.ts';

type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
export type Permission = Parameters<PermissionRequestHandler>[1];

/**
 * The only permissions Tandem's own pages get; everything else (camera, microphone, geolocation,
 * notifications, HID/USB/serial, screen capture, openExternal, …) is refused for everyone.
 * - fullscreen: a viewport can fill the reading monitor;
 * - clipboard-sanitized-write: copying report text;
 * - persistent-storage: so Chromium never evicts the offline case cache.
 */
export const GRANTED_TO_APP: ReadonlySet<Permission> = new Set<Permission>([
  'fullscreen',
  'clipboard-sanitized-write',
  'persistent-storage',
]);

/** Granted only when both the permission is on the list and the asker is app://tandem. */
export function isPermissionGranted(
  permission: Permission,
  requestingUrl: string | undefined,
): boolean {
  return GRANTED_TO_APP.has(permission) && requestingUrl !== undefined && isAppUrl(requestingUrl);
}

export type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/** Installs deny-by-default permission handlers on a session (call after `ready`). */
export function installPermissionPolicy(session: PermissionSession, log: Logger): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const granted = isPermissionGranted(permission, details.requestingUrl);
    if (!granted) log.warn(`refused permission request: ${permission}`);
    callback(granted);
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) =>
    isPermissionGranted(permission, requestingOrigin),
  );
  // No HID, USB or serial device is ever handed to a page.
  session.setDevicePermissionHandler(() => false);
}
