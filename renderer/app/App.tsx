import { lazy, Suspense, useEffect, useState } from 'react';
import { getHost } from '../host/get-host.ts';
import { Worklist } from '../worklist/Worklist.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { Header } from './Header.tsx';
import { useRoute } from './route.ts';
import { createServices, ServicesContext, type Services } from './services.ts';
import { startSessionController } from './session-controller.ts';
import { useSession } from './session-store.ts';
import { followShellMessages } from './shell-messages.ts';
import { SignIn } from './SignIn.tsx';
import { StatusBanners } from './StatusBanners.tsx';
import { SettingsDialog } from '../settings/SettingsDialog.tsx';
import { startLockController } from '../lock/lock-controller.ts';
import { finishPendingPurge } from '../lock/purge-cache.ts';
import { LockScreen } from '../lock/LockScreen.tsx';
import { DisplayQaPage } from '../display-qa/DisplayQaPage.tsx';
import { TestPattern } from '../display-qa/TestPattern.tsx';
import { useLocked } from '../lock/lock-store.ts';
import { useSettingsOpen } from '../settings/settings-dialog-store.ts';
import { scheduleViewerCode, scheduleViewerWarmUp } from '../viewer/warm-up.ts';
import type CaseView from '../viewer/CaseView.tsx';

// Cornerstone is large: load it only when a case is opened or in idle time (the warm-up: on the
// sign-in screen, and once the worklist shows), so sign-in and the worklist come up fast.
type CaseViewComponent = typeof CaseView;
let loadedCaseView: CaseViewComponent | undefined;
function loadCaseView(): Promise<CaseViewComponent> {
  return import('../viewer/CaseView.tsx').then((module) => (loadedCaseView = module.default));
}
/** Prepares the viewer in idle time (see warm-up.ts); returns what cancels it. */
const warmUpViewer = (): (() => void) => scheduleViewerWarmUp(loadCaseView);
/** Loads the viewer's code in idle time (see warm-up.ts); returns what cancels it. */
const loadViewerCode = (): (() => void) => scheduleViewerCode(loadCaseView);
const QaScreen = lazy(() => import('../qa/QaScreen.tsx'));
const ImagesWindow = lazy(() => import('../images-window/ImagesWindow.tsx'));

export function App() {
  const [services, setServices] = useState<Services | null>(null);
  const [startError, setStartError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    let stop: (() => void) | undefined;
    (async () => {
      // A sign-out that asked for the patient cache to be purged finishes here, before it opens.
      await finishPendingPurge();
      const host = getHost();
      const base = await host.backendBaseUrl();
      if (cancelled) return;
      const created = createServices(base);
      setServices(created);
      const stopSession = startSessionController(
        created,
        base,
        (err) => setStartError(err),
        host.sync,
      );
      const stopLock = startLockController(host);
      const stopShell = followShellMessages(host);
      stop = () => {
        stopSession();
        stopLock();
        stopShell();
      };
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

/**
 * The case view, at once when its code is already loaded (the warm-up), else once it is. Not
 * through `lazy` and Suspense: React holds content back for a while after a Suspense fallback
 * shows (about 300 ms), even content that is ready the moment after.
 */
function CaseScreen({ caseId }: { caseId: string }) {
  const [Loaded, setLoaded] = useState(() => loadedCaseView);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (Loaded) return;
    let cancelled = false;
    loadCaseView().then(
      (component) => !cancelled && setLoaded(() => component),
      (err: unknown) => !cancelled && setError(err),
    );
    return () => {
      cancelled = true;
    };
  }, [Loaded]);
  if (Loaded) return <Loaded caseId={caseId} />;
  if (error !== null) return <ErrorNotice error={error} />;
  return <p className="splash">Opening the viewer…</p>;
}

function Screens({ startError }: { startError: unknown }) {
  const session = useSession();
  const route = useRoute();
  const settingsOpen = useSettingsOpen();
  const locked = useLocked();
  // The viewer is prepared in idle time, so the first case opens fast. Its code while the reader
  // types on the sign-in screen: after sign-in it would take the cores from the first sync's
  // downloads. The rest once signed in; on the worklist the worklist does so once it is shown
  // (waiting for a long list is not idle time). A screen that opens viewports itself (a case, a
  // display's images) gets the code part only, which its opening shares: the warm-up's own
  // off-screen viewport never draws beside them.
  const onWorklist = route.name === 'worklist';
  const opensViewports = route.name === 'case' || route.name === 'images';
  useEffect(() => {
    if (session.status === 'signed-out') return loadViewerCode();
    if (session.status !== 'signed-in' || onWorklist) return;
    return opensViewports ? loadViewerCode() : warmUpViewer();
  }, [session.status, onWorklist, opensViewports]);

  // The QA test pattern holds no patient data: it shows whoever is signed in (its own window in Electron).
  if (route.name === 'display-qa-pattern') return <TestPattern />;
  if (session.status === 'checking') return <p className="splash">Starting…</p>;
  if (session.status === 'signed-out') {
    return (
      <>
        {startError !== null && <ErrorNotice error={startError} />}
        <SignIn notice={session.notice} />
      </>
    );
  }
  // Locked, the screens stay mounted (drafts, open images) but unreachable under the lock screen.
  return (
    <>
      <div className="app" inert={locked}>
        <Header user={session.user} />
        <StatusBanners />
        {route.name === 'case' ? (
          <CaseScreen key={route.caseId} caseId={route.caseId} />
        ) : route.name === 'images' ? (
          <Suspense fallback={<p className="splash">Opening the images…</p>}>
            <ImagesWindow
              key={`${route.caseId}/${route.display}`}
              caseId={route.caseId}
              display={route.display}
            />
          </Suspense>
        ) : route.name === 'images-standby' ? (
          <main className="images-standby" data-testid="images-standby">
            <p className="splash">
              Display {route.display + 1}: the images a case&rsquo;s hanging protocol puts on this
              display appear here when you open the case.
            </p>
          </main>
        ) : route.name === 'display-qa' ? (
          <DisplayQaPage />
        ) : route.name === 'qa' ? (
          <Suspense fallback={<p className="splash">Opening QA…</p>}>
            <QaScreen user={session.user} />
          </Suspense>
        ) : (
          <Worklist prepareViewer={warmUpViewer} />
        )}
        {settingsOpen && <SettingsDialog />}
      </div>
      {locked && <LockScreen user={session.user} />}
    </>
  );
}
