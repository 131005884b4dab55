import { lazy, Suspense, useEffect, useState } from 'react';
import { getHost } from '../host/get-host.ts';
import { Worklist } from '../worklist/Worklist.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Header } from './Header.tsx';
import { useRoute } from './route.ts';
import { createServices, ServicesContext, type Services } from './services.ts';
import { sessionStore, useSession } from './session-store.ts';
import { SignIn } from './SignIn.tsx';

// Cornerstone is large: load it only when a case is opened, so sign-in and the worklist come up fast.
const CaseView = lazy(() => import('../viewer/CaseView.tsx'));

export function App() {
  const [services, setServices] = useState<Services | null>(null);
  const [startError, setStartError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const base = await getHost().backendBaseUrl();
      const created = createServices(base);
      if (cancelled) return;
      setServices(created);
      try {
        const info = await created.api.session();
        if (!cancelled) sessionStore.signedIn(info.user);
      } catch (err) {
        // No valid session is the normal start; anything else is worth saying.
        if (cancelled) return;
        const status = (err as { status?: number }).status;
        if (status === 401) sessionStore.signedOut();
        else {
          sessionStore.signedOut();
          setStartError(err);
        }
      }
    })().catch((err: unknown) => setStartError(err));
    return () => {
      cancelled = true;
    };
  }, []);

  if (!services) {
    return startError ? <ErrorNotice error={startError} /> : <p className="splash">Starting…</p>;
  }
  return (
    <ServicesContext value={services}>
      <Screens startError={startError} />
    </ServicesContext>
  );
}

function Screens({ startError }: { startError: unknown }) {
  const session = useSession();
  const route = useRoute();

  if (session.status === 'checking') return <p className="splash">Starting…</p>;
  if (session.status === 'signed-out') {
    return (
      <>
        {startError !== null && <ErrorNotice error={startError} />}
        <SignIn notice={session.notice} />
      </>
    );
  }
  return (
    <div className="app">
      <Header user={session.user} />
      {route.name === 'case' ? (
        <Suspense fallback={<p className="splash">Opening the viewer…</p>}>
          <CaseView key={route.caseId} caseId={route.caseId} />
        </Suspense>
      ) : (
        <Worklist />
      )}
    </div>
  );
}
