import type {
  Event,
  HandlerDetails,
  WebContentsWillFrameNavigateEventParams,
  WebContentsWillNavigateEventParams,
  WebContentsWillRedirectEventParams,
  WebPreferences,
  WindowOpenHandlerResponse,
} from 'electron';
import { isAppUrl } from './app-origin.ts';
import type { Logger } from './logger.ts';

/** The part of Electron's WebContents the guard uses (a real WebContents satisfies it). */
export interface GuardedWebContents {
  on(
    event: 'will-navigate',
    listener: (details: Event<WebContentsWillNavigateEventParams>) => void,
  ): unknown;
  on(
    event: 'will-frame-navigate',
    listener: (details: Event<WebContentsWillFrameNavigateEventParams>) => void,
  ): unknown;
  on(
    event: 'will-redirect',
    listener: (details: Event<WebContentsWillRedirectEventParams>) => void,
  ): unknown;
  on(
    event: 'will-attach-webview',
    listener: (
      event: Event,
      webPreferences: WebPreferences,
      params: Record<string, string>,
    ) => void,
  ): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
}

/** Only the scheme and host of a refused URL are logged: paths and queries may carry PHI. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Applied to every WebContents the app creates: navigation may not leave app://tandem (links,
 * location changes, server redirects, in any frame), window.open and target=_blank are refused,
 * and <webview> cannot attach. Nothing is handed to the OS browser (no openExternal).
 */
export function guardWebContents(contents: GuardedWebContents, log: Logger): void {
  const refuseForeign = (event: Event<{ url: string }>, kind: string): void => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn(`blocked ${kind} to ${describe(event.url)}`);
  };
  contents.on('will-navigate', (event) => refuseForeign(event, 'navigation'));
  contents.on('will-frame-navigate', (event) => refuseForeign(event, 'frame navigation'));
  contents.on('will-redirect', (event) => refuseForeign(event, 'redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('blocked a <webview>');
  });
  contents.setWindowOpenHandler((details) => {
    log.warn(`blocked a new window for ${describe(details.url)}`);
    return { action: 'deny' };
  });
}
