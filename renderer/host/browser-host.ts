import type { AppInfo, HostBridge } from '../../shared/ipc/host-bridge.ts';

/** The host when Tandem runs in a plain browser, served by the backend from the same origin. */
export class BrowserHost implements HostBridge {
  appInfo(): Promise<AppInfo> {
    return Promise.resolve({
      host: 'browser',
      version: import.meta.env.VITE_TANDEM_VERSION ?? '0.1.0',
      platform: navigator.platform || 'web',
    });
  }

  backendBaseUrl(): Promise<string> {
    return Promise.resolve('');
  }
}
