import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { BrowserHost } from './browser-host.ts';

declare global {
  interface Window {
    /** Exposed by Electron's preload through contextBridge; absent in a plain browser. */
    tandemHost?: HostBridge;
  }
}

let host: HostBridge | undefined;

/** The host the renderer runs in: Electron's preload bridge when present, else the browser. */
export function getHost(): HostBridge {
  host ??= window.tandemHost ?? new BrowserHost();
  return host;
}
