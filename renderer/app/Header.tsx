import type { User } from '../../shared/api/contract.ts';
import { openSettings } from '../settings/settings-dialog-store.ts';
import { useState } from 'react';
import { SignOutDialog } from '../lock/SignOutDialog.tsx';

const ROLE_LABEL: Record<User['role'], string> = {
  radiologist: 'Radiologist',
  'qa-reviewer': 'QA reviewer',
  admin: 'Administrator',
};

export function Header({ user }: { user: User }) {
  // Signing out asks whether to purge the cached patient data (renderer/lock).
  const [signingOut, setSigningOut] = useState(false);

  return (
    <header className="app-header">
      <a className="app-title" href="#/worklist">
        Tandem
      </a>
      <a className="app-nav" href="#/qa" data-testid="nav-qa">
        {user.role === 'radiologist' ? 'QA feedback' : 'QA'}
      </a>
      <div className="app-user">
        <span data-testid="signed-in-user">
          {user.displayName} <span className="muted">· {ROLE_LABEL[user.role]}</span>
        </span>
        <button type="button" onClick={openSettings}>
          Settings
        </button>
        <button type="button" onClick={() => setSigningOut(true)}>
          Sign out
        </button>
      </div>
      {signingOut && <SignOutDialog onClose={() => setSigningOut(false)} />}
    </header>
  );
}
