import { useEffect, useId, useState, type FormEvent } from 'react';
import { cacheBudget, setCacheBudget } from '../app/workstation-db.ts';
import { syncClient } from '../workers/sync-client.ts';
import { formatBytes, formatLimit, MIN_LIMIT_MB, parseLimit } from './cache-limit.ts';
import { closeSettings } from './settings-dialog-store.ts';
import { RenderingSettings } from './RenderingSettings.tsx';
import { ShortcutSettings } from './ShortcutSettings.tsx';

interface StorageFacts {
  usage: number | undefined;
  quota: number | undefined;
  persisted: boolean | undefined;
}

/**
 * Workstation settings. For now the cache limit: how much image data this workstation keeps.
 * Above it, finished cases (reported, cancelled, no longer assigned) are evicted, least recently
 * opened first; an open case, a draft or an unsent report is never evicted, and when nothing
 * more may go, syncing stops with "storage full" until cases are finished or the limit raised.
 */
export function SettingsDialog() {
  const [limit, setLimit] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [facts, setFacts] = useState<StorageFacts | null>(null);
  const inputId = useId();

  useEffect(() => {
    let cancelled = false;
    void cacheBudget().then((b) => !cancelled && setLimit(formatLimit(b)));
    void storageFacts().then((f) => !cancelled && setFacts(f));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        closeSettings();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    const parsed = parseLimit(limit ?? '');
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    await setCacheBudget(parsed.budgetBytes);
    syncClient.setBudget(parsed.budgetBytes);
    closeSettings();
  }

  return (
    <div className="dialog-backdrop" onMouseDown={closeSettings}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${inputId}-title`}
        data-testid="settings-dialog"
        onMouseDown={(e) => e.stopPropagation()}
        onSubmit={save}
      >
        <h2 id={`${inputId}-title`}>Settings</h2>
        <section>
          <h3>Image cache</h3>
          <label htmlFor={inputId}>Cache limit (MB)</label>
          {limit === null ? (
            <p className="muted">Reading the settings…</p>
          ) : (
            <input
              id={inputId}
              inputMode="numeric"
              placeholder="No limit"
              autoFocus
              value={limit}
              aria-describedby={`${inputId}-help`}
              onChange={(e) => {
                setLimit(e.target.value);
                setError(null);
              }}
            />
          )}
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <p id={`${inputId}-help`} className="muted small">
            Leave empty for no limit but the browser&apos;s. At least {MIN_LIMIT_MB} MB. Above the
            limit, finished cases leave the cache, least recently opened first; open cases, drafts
            and unsent reports always stay.
          </p>
          {facts && (
            <p className="muted small" data-testid="storage-facts">
              {facts.usage !== undefined && facts.quota !== undefined
                ? `This workstation stores ${formatBytes(facts.usage)}; the browser allows up to ${formatBytes(facts.quota)}.`
                : 'The browser does not say how much it stores.'}{' '}
              {facts.persisted === true
                ? 'The browser keeps this cache until it is cleared here.'
                : facts.persisted === false
                  ? 'The browser may clear this cache when the disk runs low.'
                  : ''}
            </p>
          )}
        </section>
        <RenderingSettings />
        <ShortcutSettings />
        <div className="dialog-buttons">
          <button type="button" onClick={closeSettings}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={limit === null}>
            Save
          </button>
        </div>
      </form>
    </div>
  );
}

async function storageFacts(): Promise<StorageFacts> {
  const storage = navigator.storage;
  const [estimate, persisted] = await Promise.all([
    storage?.estimate ? storage.estimate().catch(() => undefined) : undefined,
    storage?.persisted ? storage.persisted().catch(() => undefined) : undefined,
  ]);
  return { usage: estimate?.usage, quota: estimate?.quota, persisted };
}
