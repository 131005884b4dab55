import type { SyncStateRow } from '../../shared/cache/rows.ts';
import type { CaseSyncState } from '../../shared/sync/records.ts';
import { formatBytes } from '../settings/cache-limit.ts';

const STATE_LABEL: Record<CaseSyncState, string> = {
  queued: 'Queued',
  syncing: 'Syncing',
  ready: 'Ready offline',
  error: 'Incomplete',
};

/** The state a row shows: what the worker wrote, or queued when it has not looked at the case yet. */
export function syncStateOf(sync: SyncStateRow | undefined): CaseSyncState {
  return sync?.state ?? 'queued';
}

/** How much of a case (its priors included) is on this workstation, and what went wrong. */
export function SyncCell({ sync }: { sync: SyncStateRow | undefined }) {
  const state = syncStateOf(sync);
  const done = sync?.instancesDone ?? 0;
  const total = sync?.instancesTotal ?? 0;
  const fraction = total > 0 ? Math.min(1, done / total) : state === 'ready' ? 1 : 0;
  const errors = sync?.errors ?? [];
  return (
    <div className={`sync-cell sync-${state}`} data-testid="sync-progress">
      <div className="sync-line">
        <span className="sync-label">{STATE_LABEL[state]}</span>
        {total > 0 && (
          <span className="muted">
            {' '}
            {done}/{total} · {formatBytes(sync?.bytesDone ?? 0)}
          </span>
        )}
      </div>
      <progress
        className="sync-bar"
        aria-label="Images on this workstation"
        max={1}
        value={fraction}
      />
      {errors.length > 0 && (
        <div
          className="sync-error"
          data-testid="sync-error"
          title={errors.map((e) => e.message).join('\n')}
        >
          {errors[0]!.message}
          {errors.length > 1 && ` (+${errors.length - 1} more)`}
        </div>
      )}
    </div>
  );
}
