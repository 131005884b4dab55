import { z } from 'zod';
import type { DisplayQaHost } from '../display/display-qa-host.ts';
import type { ShellHostLink } from './shell-link.ts';
import type { SyncHostLink } from './sync-host-link.ts';

/**
 * What the renderer may ask of its host. In Electron the preload exposes an implementation
 * as `window.tandemHost` (contextBridge); in a plain browser the renderer uses its own
 * BrowserHost. The renderer never talks to Electron any other way.
 */
export const AppInfo = z.object({
  host: z.enum(['electron', 'browser']),
  version: z.string(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export interface HostBridge {
  /** Which host, which version. */
  appInfo(): Promise<AppInfo>;
  /**
   * Base URL the renderer uses for `/api` and `/dicom-web`: '' means same origin
   * (browser mode, and Electron where main serves the backend under app://tandem).
   */
  backendBaseUrl(): Promise<string>;
  /**
   * Present when the host drives syncing (Electron: main decides when and what, holds the
   * credentials); absent in browser mode, where the page drives its sync worker itself.
   */
  readonly sync?: SyncHostLink;
  /**
   * Electron: the bytes of the workstation key that seals cached images at rest (main keeps it in
   * the OS keychain); the renderer imports them as a non-extractable key and wipes them. `null`
   * when main has no safe place for a key. Absent in a plain browser.
   */
  cacheKey?(): Promise<Uint8Array<ArrayBuffer> | null>;
  /** Present in Electron: lock, deep links, menu commands, other displays (`shell-link.ts`). */
  readonly shell?: ShellHostLink;
  /** Present in Electron: displays from `screen`, QA records in main's store. */
  readonly displayQa?: DisplayQaHost;
}

/** IPC channel names between preload and main; every payload is validated with zod on both sides. */
export const IpcChannel = {
  appInfo: 'tandem:app-info',
  backendBaseUrl: 'tandem:backend-base-url',
  cacheKey: 'tandem:cache-key',
} as const;
