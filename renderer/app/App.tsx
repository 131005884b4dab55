import { lazy, Suspense, useEffect, useState } from 'react';
import { getHost } from '../host/get-host.ts';
import { Worklist } from '../worklist/Worklist.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Header } from './Header.tsx';
import { useRoute } from './route.ts';
import { createServices, ServicesContext, type Services } from './services.ts';
import { startSessionController } from './session-controller.ts';
import { useSession } from './session-store.ts';
import { SignIn } from './SignIn.tsx';
import { StatusBanners } from './StatusBanners.tsx';
import { SettingsDialog } from '../settings/SettingsDialog.tsx';
import { useSettingsOpen } from '../settings/settings-dialog-store.ts';

// Cornerstone is large: load it only when a case is opened, so sign-in and the worklist come up fast.
const CaseView = lazy(() => import('../viewer/CaseView.tsx'));
const QaScreen = lazy(() => import('../qa/QaScreen.tsx'));

export function App() {
  const [services, setServices] = useState<Services | null>(null);
  const [startError, setStartError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | undefined;
    (async () => {
      const host = getHost();
      const base = await host.backendBaseUrl();
      if (cancelled) return;
      const created = createServices(base);
      setServices(created);
      stop = startSessionController(created, base, (err) => setStartError(err), host.sync);
    })().catch((err: unknown) => setStartError(err));
    return () => {
      cancelled = true;
      stop?.();
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
  const settingsOpen = useSettingsOpen();

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
      <StatusBanners />
      {route.name === 'case' ? (
        <Suspense fallback={<p className="splash">Opening the viewer…</p>}>
          <CaseView key={route.caseId} caseId={route.caseId} />
        </Suspense>
      ) : route.name === 'qa' ? (
        <Suspense fallback={<p className="splash">Opening QA…</p>}>
          <QaScreen user={session.user} />
        </Suspense>
      ) : (
        <Worklist />
      )}
      {settingsOpen && <SettingsDialog />}
    </div>
  );
}
