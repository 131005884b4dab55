import { useCallback, useEffect, useState } from 'react';
import { userMessage } from '../app/user-message.ts';

/**
 * The small pieces every QA and second-opinion panel needs around a backend call: loading once
 * (again on `reload`), the error line, the loading placeholder, and a submit that is busy while it
 * runs. Errors become a message a person can act on.
 */

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  reload: () => void;
}

/** Loads once (and again on `reload`); `load` must be stable (`useCallback`). */
export function useLoad<T>(load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let cancelled = false;
    load().then(
      (d) => !cancelled && (setData(d), setError(null)),
      (e: unknown) => !cancelled && setError(userMessage(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [load, n]);
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}

export function ErrorLine({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className="field-error" role="alert">
      {error}
    </p>
  );
}

/** What a panel shows until its data is there: the error, else that it is loading. */
export function LoadStatus({ error, loading }: { error: string | null; loading: string }) {
  return error ? <ErrorLine error={error} /> : <p className="muted">{loading}</p>;
}

/** A submit: busy while it runs, its error kept for the form to show. */
export function useSubmit(): {
  busy: boolean;
  error: string | null;
  run: (action: () => Promise<void>) => Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(userMessage(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
