import { useState, type FormEvent } from 'react';
import type { User } from '../../shared/api/contract.ts';
import { getHost } from '../host/get-host.ts';
import { userMessage } from '../app/user-message.ts';
import { unlockWithPassword } from './lock-controller.ts';

/**
 * Covers Tandem after the idle time (or the OS screen lock) until the signed-in user gives the
 * password again. Nothing under it is unmounted: drafts and open images are as they were.
 */
export function LockScreen({ user }: { user: User }) {
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await unlockWithPassword(getHost(), user, password);
    } catch (err) {
      setError(userMessage(err));
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <div className="lock-screen" data-testid="lock-screen">
      <form className="sign-in-form" onSubmit={submit} aria-busy={busy} aria-label="Unlock Tandem">
        <h1>Tandem is locked</h1>
        <p className="sign-in-subtitle">
          {user.displayName} ({user.username}): enter your password to carry on where you left off.
        </p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <label htmlFor="unlock-password">Password</label>
        <input
          id="unlock-password"
          type="password"
          autoComplete="current-password"
          autoFocus
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Unlock'}
        </button>
      </form>
    </div>
  );
}
