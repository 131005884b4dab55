import { useState } from 'react';
import type { User } from '../../shared/api/contract.ts';
import { FormError, usePasswordSubmit } from '../app/credential-form.tsx';
import { getHost } from '../host/get-host.ts';
import { unlockWithPassword } from './lock-controller.ts';

/**
 * Covers Tandem after the idle time (or the OS screen lock) until the signed-in user gives the
 * password again. Nothing under it is unmounted: drafts and open images are as they were.
 */
export function LockScreen({ user }: { user: User }) {
  const [password, setPassword] = useState('');
  const { busy, error, submit } = usePasswordSubmit(
    () => unlockWithPassword(getHost(), user, password),
    () => setPassword(''),
  );

  return (
    <div className="lock-screen" data-testid="lock-screen">
      <form className="sign-in-form" onSubmit={submit} aria-busy={busy} aria-label="Unlock Tandem">
        <h1>Tandem is locked</h1>
        <p className="sign-in-subtitle">
          {user.displayName} ({user.username}): enter your password to carry on where you left off.
        </p>
        <FormError error={error} />
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
