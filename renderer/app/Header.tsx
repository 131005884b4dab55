import type { User } from '../../shared/api/contract.ts';
import { openSettings } from '../settings/settings-dialog-store.ts';
import { useServices } from './services.ts';
import { sessionStore } from './session-store.ts';

const ROLE_LABEL: Record<User['role'], string> = {
  radiologist: 'Radiologist',
  'qa-reviewer': 'QA reviewer',
  admin: 'Administrator',
};

export function Header({ user }: { user: User }) {
  const { api } = useServices();

  async function signOut() {
    try {
      await api.logout();
    } catch {
      // Signing out locally matters more than telling the server; its session expires anyway.
    }
    sessionStore.signedOut();
  }

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
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
