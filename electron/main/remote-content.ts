import type { WebRequest } from 'electron';
import { isAppUrl } from './app-origin.ts';
import type { Logger } from './logger.ts';

type BeforeRequestListener = NonNullable<Parameters<WebRequest['onBeforeRequest']>[0]>;

/** The part of a Session the block uses (a real Session satisfies it). */
export interface RemoteContentSession {
  webRequest: { onBeforeRequest(listener: BeforeRequestListener | null): void };
}

/** What a page may load besides app://tandem: its own blobs and data URLs, and DevTools. */
const LOCAL_SCHEMES: ReadonlySet<string> = new Set(['blob:', 'data:', 'devtools:']);

/**
 * Whether a page (or its workers) may make this request. Tandem's pages reach the backend only
 * through app://tandem (main forwards `/api` and `/dicom-web` and adds the token), so anything
 * else a page asks for — http(s), ws, file, another app:// host — is remote or foreign content.
 * Requests main makes itself (no WebContents: the updater, the forwarding) are not pages'.
 */
export function isPageRequestAllowed(details: { url: string; webContentsId?: number }): boolean {
  if (details.webContentsId === undefined) return true;
  if (isAppUrl(details.url)) return true;
  try {
    return LOCAL_SCHEMES.has(new URL(details.url).protocol);
  } catch {
    return false;
  }
}

/**
 * Remote content is never loaded, below the CSP too: a request of a page to anything but
 * app://tandem (and its blobs) is cancelled before it leaves. Only scheme and host are logged.
 */
export function blockRemoteContent(session: RemoteContentSession, log: Logger): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isPageRequestAllowed(details);
    if (!allowed) {
      let where = '(unparseable URL)';
      try {
        const u = new URL(details.url);
        where = `${u.protocol}//${u.host}`;
      } catch {
        // keep the placeholder
      }
      log.warn(`blocked a page's request to ${where}`);
    }
    callback({ cancel: !allowed });
  });
}
