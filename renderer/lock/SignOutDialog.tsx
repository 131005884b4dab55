import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useId, useState } from 'react';
import { UNSENT_OUTBOX_STATES } from '../../shared/cache/rows.ts';
import { cacheDb } from '../app/local-cache.ts';
import { useServices } from '../app/services.ts';
import { sessionStore } from '../app/session-store.ts';
import { forgetUser } from '../app/workstation-db.ts';
import { purgePatientCacheAndReload } from './purge-cache.ts';

/**
 * Sign out, optionally deleting every cached patient record from this workstation (images,
 * cases, drafts, unsent reports). The workstation's settings and display QA records stay.
 */
export function SignOutDialog({ onClose }: { onClose: () => void }) {
  const { api } = useServices();
  const [purge, setPurge] = useState(false);
  const [busy, setBusy] = useState(false);
  const unsent = useLiveQuery(
    () => cacheDb().outbox.where('state').anyOf(UNSENT_OUTBOX_STATES).count(),
    [],
    0,
  );
  const id = useId();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);

  async function signOut() {
    setBusy(true);
    try {
      await api.logout();
    } catch {
      // Signing out locally matters more than telling the server; its session expires anyway.
    }
    if (purge) {
      // The next start asks for a sign-in; the page reloads and deletes the cache before
      // anything opens it again.
      await forgetUser().catch(() => undefined);
      purgePatientCacheAndReload();
      return;
    }
    sessionStore.signedOut();
  }

  return (
    <div className="dialog-backdrop" onMouseDown={onClose}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid="sign-out-dialog"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <h2 id={`${id}-title`}>Sign out</h2>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={purge}
            onChange={(e) => setPurge(e.target.checked)}
            disabled={busy}
          />{' '}
          Also delete all cached patient data from this workstation
        </label>
        {purge && unsent > 0 && (
          <p className="form-error" role="alert">
            {unsent === 1 ? '1 signed report has' : `${unsent} signed reports have`} not been
            delivered yet and would be lost.
          </p>
        )}
        <div className="dialog-buttons">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="primary" onClick={() => void signOut()} disabled={busy}>
            {busy ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </div>
    </div>
  );
}
