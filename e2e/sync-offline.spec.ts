import { test, expect, signIn, startWebBackend } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import { storedInstances } from './support/cache-inspect.ts';
import {
  allNeeded,
  expectCacheHolds,
  neededStudies,
  readCase,
  startSyncRig,
  waitAllReady,
  worklistRow,
} from './support/sync-rig.ts';

test('once every case is ready offline, the backend can stop: after a reload the worklist, every case and its priors open and scroll, and a report draft is written and kept', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const manifest = demoManifest();
  const needed = neededStudies(manifest, 'radiologist1');
  const caseIds = [...needed.keys()];
  const backend = await startWebBackend();
  try {
    const started = Date.now();
    await signIn(page, 'radiologist1', { baseUrl: backend.url });
    await expect(page.getByTestId('worklist-row')).toHaveCount(caseIds.length);
    await waitAllReady(page, caseIds);
    const readyAfterMs = Date.now() - started;
    const bytes = await expectCacheHolds(page, allNeeded(needed));
    console.log(
      `sync: ${caseIds.length} cases, ${allNeeded(needed).size} studies, ` +
        `${(bytes / 1e6).toFixed(1)} MB ready offline ${(readyAfterMs / 1000).toFixed(1)} s after sign-in`,
    );
    // Each row says how much of it is here.
    for (const caseId of caseIds) {
      const total = needed.get(caseId)!.reduce((n, s) => n + s.instanceCount, 0);
      await expect(worklistRow(page, caseId)).toHaveAttribute('data-instances-done', String(total));
      await expect(worklistRow(page, caseId).getByTestId('sync-progress')).toContainText(
        `Ready offline ${total}/${total}`,
      );
    }
    // The app shell must be in the service worker's cache before the server goes.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });

    await backend.stop();
    await page.reload();
    await expect(page.getByTestId('offline-banner')).toContainText(
      "Offline — reading from this workstation's cache",
    );
    await expect(page.getByTestId('worklist-row')).toHaveCount(caseIds.length);
    await waitAllReady(page, caseIds, 5_000);

    let priorsSeen = 0;
    for (const caseId of caseIds) {
      const seen = await readCase(page, caseId);
      expect(seen.current).toBeGreaterThan(0);
      priorsSeen += seen.prior;
    }
    expect(priorsSeen).toBeGreaterThan(0);

    // A report draft, written offline, kept across a reload.
    const first = caseIds[0]!;
    await worklistRow(page, first).dblclick();
    const editor = page.getByTestId('report-editor').getByTestId('report-impression');
    await expect(page.getByTestId('report-status')).toHaveText('draft');
    await editor.fill('Findings: written while the server was away.');
    await expect(page.getByTestId('report-saved')).toHaveAttribute('data-save-state', 'saved');
    await page.reload();
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(page.getByTestId('report-impression')).toHaveValue(
      'Findings: written while the server was away.',
    );
    await expect(page.getByTestId('report-status')).toHaveText('draft');
  } finally {
    await backend.stop();
  }
});

test('a session that expired while the server was away: back online, sign-in is asked for, and the cache is still there', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const ttlSeconds = 30;
  const rig = await startSyncRig({ sessionTtlSeconds: ttlSeconds });
  const cr = 'case-cr-chest-ed-fever';
  try {
    const signedInAt = Date.now();
    await signIn(page, 'radiologist1', { baseUrl: rig.url });
    await expect(worklistRow(page, cr)).toHaveAttribute('data-sync-state', 'ready', {
      timeout: 20_000,
    });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // The server goes away (its gateway answers 502); Tandem opens from the cache.
    rig.backend.child.kill('SIGKILL');
    await page.reload();
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(worklistRow(page, cr)).toHaveAttribute('data-sync-state', 'ready');
    // What the cache holds now must never be downloaded again. (Images whose download finished
    // just before the kill but that were not stored yet when the page reloaded are fetched again:
    // a sync resumes per stored instance.)
    const storedBefore = new Set((await storedInstances(page)).map((i) => i.sopInstanceUid));

    // It comes back after the session ran out.
    await page.waitForTimeout(Math.max(0, signedInAt + ttlSeconds * 1000 + 1000 - Date.now()));
    await rig.restartBackend();
    const form = page.getByTestId('login-form');
    await expect(form).toBeVisible({ timeout: 30_000 });
    await expect(form).toContainText(/session has expired/i);

    // Signed in again: the cached case is ready at once, nothing of it downloaded twice.
    const form2 = page.getByTestId('login-form');
    await form2.getByLabel('Username').fill('radiologist1');
    await form2.getByLabel('Password').fill('tandem-demo');
    await form2.getByRole('button', { name: 'Sign in' }).click();
    await expect(worklistRow(page, cr)).toHaveAttribute('data-sync-state', 'ready');
    const downloads = rig.proxy.wadoDownloads();
    const again = [...storedBefore].filter((sop) => (downloads.get(sop) ?? 0) !== 1);
    expect(again, 'instances in the cache before the expiry and downloaded again').toEqual([]);
  } finally {
    await rig.stop();
  }
});
