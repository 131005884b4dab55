import { useState } from 'react';
import { FormError, usePasswordSubmit } from './credential-form.tsx';
import { useServices } from './services.ts';
import { sessionStore } from './session-store.ts';

export function SignIn({ notice }: { notice?: string | undefined }) {
  const { api } = useServices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, submit } = usePasswordSubmit(async () => {
    const res = await api.login({ username: username.trim(), password });
    sessionStore.signedIn(res.user);
  });

  return (
    <main className="sign-in">
      <form className="sign-in-form" data-testid="login-form" onSubmit={submit} aria-busy={busy}>
        <h1>Tandem</h1>
        <p className="sign-in-subtitle">Reading workstation</p>
        {notice && !error && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <FormError error={error} />
        <label htmlFor="username">Username</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          autoFocus
          required
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
