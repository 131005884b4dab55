import { openSettings } from '../settings/settings-dialog-store.ts';
import { useConnection } from './connection-store.ts';
import { sessionStore } from './session-store.ts';
import { useSyncStatus } from './sync-status-store.ts';

export const OFFLINE_MESSAGE = "Offline — reading from this workstation's cache";

/**
 * What the radiologist must know about the connection and the cache, above every screen:
 * offline, the cache full (sync stopped), the session refused, or sync failed.
 */
export function StatusBanners() {
  const connection = useConnection();
  const { engine } = useSyncStatus();
  return (
    <>
      {connection === 'offline' && (
        <div className="banner banner-offline" role="status" data-testid="offline-banner">
          {OFFLINE_MESSAGE}. Changes are kept here and sync when the server is back.
        </div>
      )}
      {engine.state === 'storage-full' && (
        <div
          className="banner banner-problem"
          role="alert"
          data-testid="sync-banner"
          data-sync-problem="storage-full"
        >
          <span>
            <strong>Storage full — syncing stopped.</strong> {engine.message}
          </span>
          <button type="button" onClick={openSettings}>
            Cache settings…
          </button>
        </div>
      )}
      {engine.state === 'failed' && engine.code === 'unauthorized' && (
        <div
          className="banner banner-problem"
          role="alert"
          data-testid="sync-banner"
          data-sync-problem="unauthorized"
        >
          <span>
            <strong>Syncing stopped:</strong> your session has expired. Cached cases stay readable.
          </span>
          <button type="button" onClick={() => sessionStore.expired()}>
            Sign in again
          </button>
        </div>
      )}
      {engine.state === 'failed' && engine.code !== 'unauthorized' && (
        <div
          className="banner banner-problem"
          role="alert"
          data-testid="sync-banner"
          data-sync-problem="failed"
        >
          <span>
            <strong>Syncing stopped:</strong> {engine.message}
          </span>
        </div>
      )}
    </>
  );
}
