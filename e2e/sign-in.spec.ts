import { test, expect, signIn, startWebBackend, DEMO_PASSWORD } from './fixtures.ts';
import { demoManifest, PRIORITY_RANK } from './demo-manifest.ts';

test.describe('sign-in and worklist', () => {
  test('refuses a wrong password with a clear message', async ({ page }) => {
    await page.goto('/');
    const form = page.getByTestId('login-form');
    await form.getByLabel('Username').fill('radiologist1');
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await expect(form.getByRole('alert')).toHaveText(/wrong user name or password/i);
    await expect(page.getByTestId('worklist')).toHaveCount(0);
  });

  test('shows only my demo cases, STAT first, then by due time', async ({ page }) => {
    const manifest = demoManifest();
    const mine = manifest.cases.filter((c) => c.assignee === 'radiologist1');
    await signIn(page, 'radiologist1');
    const rows = page.getByTestId('worklist-row');
    await expect(rows).toHaveCount(mine.length);
    const ids = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-case-id')));
    const expected = [...mine]
      .sort(
        (a, b) =>
          PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || a.dueInMinutes - b.dueInMinutes,
      )
      .map((c) => c.caseId);
    expect(ids).toEqual(expected);
    const first = mine.find((c) => c.caseId === ids[0]);
    expect(first?.priority).toBe('stat');
    // Every row tells its sync state (the contract of ARCHITECTURE.md).
    for (const state of await rows.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-sync-state')),
    )) {
      expect(['queued', 'syncing', 'ready', 'error']).toContain(state);
    }
    // The STAT row reads as STAT, and the due time is shown with time left.
    await expect(rows.first()).toContainText(/STAT/);
    await expect(rows.first()).toContainText(/in \d|overdue/);
  });

  test('while the reader types, the viewer readies its code and asks the server for nothing more; the first case then opens on it', async ({
    page,
  }) => {
    const asked: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/dicom-web/')) {
        asked.push(`${r.method()} ${url.pathname}`);
      }
    });
    await page.goto('/');
    await expect(page.getByTestId('login-form')).toBeVisible();
    // renderer/viewer/warm-up.ts WARM_UP_MARKS.codeEnd: the viewer's code, Cornerstone, its decoders
    await page.waitForFunction(
      () => performance.getEntriesByName('tandem:viewer-code-ready').length > 0,
      undefined,
      { timeout: 30_000 },
    );
    // no patient data before sign-in: the session check at most, nothing of a worklist or a study
    expect(asked.filter((a) => !/^GET \/api\/(session|health)\b/.test(a))).toEqual([]);
    // the engine and its first render wait for the worklist: nothing is drawn on this screen
    expect(
      await page.evaluate(() => performance.getEntriesByName('tandem:viewer-warm-up').length),
    ).toBe(0);
    const form = page.getByTestId('login-form');
    await form.getByLabel('Username').fill('radiologist1');
    await form.getByLabel('Password').fill(DEMO_PASSWORD);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('worklist-row').first().dblclick();
    const viewport = page.getByTestId('viewport').first();
    await expect(viewport).toHaveAttribute('data-rendered', 'true', { timeout: 30_000 });
  });

  test('an expired session sends me back to sign-in with a message', async ({ page }) => {
    const backend = await startWebBackend({ sessionTtlSeconds: 3 });
    try {
      await signIn(page, 'radiologist1', { baseUrl: backend.url });
      await page.waitForTimeout(4_000);
      await page.getByTestId('worklist-row').first().dblclick();
      await expect(page.getByTestId('login-form')).toBeVisible();
      await expect(page.getByTestId('login-form')).toContainText(/session has expired/i);
    } finally {
      await backend.stop();
    }
  });
});
