import { useState, type FormEvent } from 'react';
import { userMessage } from './user-message.ts';

/**
 * The submit of a form that checks a password (sign-in, unlock): busy while it runs, the error a
 * user can act on when it fails. `onFailed` runs after a failure (e.g. clear the password).
 */
export function usePasswordSubmit(check: () => Promise<void>, onFailed?: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await check();
    } catch (err) {
      setError(userMessage(err));
      onFailed?.();
      setBusy(false);
    }
  }
  return { busy, error, submit };
}

/** The error of a password form, announced to screen readers. */
export function FormError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert">
      {error}
    </p>
  );
}
