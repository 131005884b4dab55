import { DatabaseSync } from 'node:sqlite';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { startSyncRig, worklistRow } from './support/sync-rig.ts';

/**
 * The structured report from the editor to the backend, in browser mode against the real
 * backend: signing offline and delivering exactly once after a reload and a restart, killing the
 * page at random points between "signed" and "delivered", and report text that looks like HTML.
 *
 * The viewer's measuring tools are not on this branch: the tests put two measurements in the
 * cache's `annotations` table through the page, as the viewer stores them, and the editor takes
 * them from there.
 */

const CASE = 'case-cr-chest-ed-fever';
const USER = 'radiologist1';
const XSS = `<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>&amp;`;

interface BackendReport {
  reportId: string;
  text: string;
}

/** The reports the backend stored for this case by this user, read from its SQLite database. */
function backendReports(dataDir: string, caseId: string): BackendReport[] {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    return db
      .prepare(
        'SELECT report_id AS reportId, text FROM reports WHERE case_id = ? AND author = ? AND signature IS NOT NULL',
      )
      .all(caseId, USER) as unknown as BackendReport[];
  } finally {
    db.close();
  }
}

/** Removes the case's report from the backend, so the next trial can report the case again. */
function forgetBackendReports(dataDir: string, caseId: string): void {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    db.prepare('DELETE FROM reports WHERE case_id = ? AND author = ?').run(caseId, USER);
  } finally {
    db.close();
  }
}

/** Runs a function against the page's `tandem` IndexedDB with the raw API (not the app's code). */
async function cacheRows(page: Page, table: string, caseId: string): Promise<unknown[]> {
  return page.evaluate(
    ([table, caseId]) =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(table).objectStore(table).index('caseId').getAll(caseId);
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
        };
      }),
    [table, caseId] as const,
  );
}

/**
 * Which of `words` lie in clear in the case's rows of a cache table: every string, and every
 * byte array read as text, of every row (at rest drafts and reports are sealed: none should).
 */
async function wordsInClear(
  page: Page,
  table: string,
  caseId: string,
  words: string[],
): Promise<{ rows: number; found: string[] }> {
  return page.evaluate(
    ([table, caseId, words]) =>
      new Promise<{ rows: number; found: string[] }>((resolve, reject) => {
        const texts: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === 'string') texts.push(v);
          else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
            const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer);
            texts.push(new TextDecoder('latin1').decode(bytes), new TextDecoder().decode(bytes));
          } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
        };
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction(table).objectStore(table).index('caseId').getAll(caseId);
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            db.close();
            req.result.forEach(walk);
            resolve({
              rows: req.result.length,
              found: words.filter((w) => texts.some((t) => t.includes(w))),
            });
          };
        };
      }),
    [table, caseId, words] as const,
  );
}

/** Clears the case's signed report and outbox item from the cache (between kill-loop trials). */
async function forgetCachedReports(page: Page, caseId: string): Promise<void> {
  await page.evaluate(
    (caseId) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['signedReports', 'outbox'], 'readwrite');
          for (const name of ['signedReports', 'outbox']) {
            const store = tx.objectStore(name);
            const req = store.index('caseId').getAllKeys(caseId);
            req.onsuccess = () => req.result.forEach((k) => store.delete(k));
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    caseId,
  );
}

/** Two measurements on the case's first two cached images, stored as the viewer stores them. */
async function addTwoMeasurements(page: Page, caseId: string): Promise<void> {
  await page.evaluate(
    (caseId) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const read = db.transaction('instances').objectStore('instances').index('caseIds');
          const req = read.getAll(caseId, 2);
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const instances = req.result as Array<{
              studyInstanceUid: string;
              seriesInstanceUid: string;
              sopInstanceUid: string;
            }>;
            if (instances.length === 0) {
              reject(new Error('the case has no cached instance'));
              return;
            }
            const tx = db.transaction('annotations', 'readwrite');
            const now = Date.now();
            [0, 1].forEach((i) => {
              const inst = instances[i] ?? instances[0]!;
              const annotationId = `e2e-measure-${i + 1}`;
              tx.objectStore('annotations').put({
                annotationId,
                caseId,
                sopInstanceUid: inst.sopInstanceUid,
                updatedAt: now + i,
                data: {
                  annotationId,
                  caseId,
                  kind: 'length',
                  label: i === 0 ? 'Opacity right base' : 'Heart width',
                  studyInstanceUid: inst.studyInstanceUid,
                  seriesInstanceUid: inst.seriesInstanceUid,
                  sopInstanceUid: inst.sopInstanceUid,
                  frameIndex: 0,
                  imageIndex: 0,
                  values: [{ name: 'length', value: i === 0 ? 23.456 : 141, unit: 'mm' }],
                  points: [
                    [0, 0, 0],
                    [10, 0, 0],
                  ],
                  createdAt: now + i,
                  updatedAt: now + i,
                },
              });
            });
            tx.oncomplete = () => {
              db.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        };
      }),
    caseId,
  );
}

/** Waits until this workstation's signing key is enrolled (the sign-in does it). */
async function waitKeyEnrolled(page: Page): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate(
          () =>
            new Promise<boolean>((resolve, reject) => {
              const open = indexedDB.open('tandem-workstation');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const db = open.result;
                const req = db.transaction('entries').objectStore('entries').getAll();
                req.onsuccess = () => {
                  db.close();
                  const rows = req.result as Array<{ key: string; value: { keyId?: unknown } }>;
                  resolve(
                    rows.some(
                      (r) =>
                        r.key.startsWith('workstation-key:') && typeof r.value.keyId === 'string',
                    ),
                  );
                };
                req.onerror = () => reject(req.error);
              };
            }),
        ),
      { timeout: 15_000 },
    )
    .toBe(true);
}

async function openCase(page: Page, caseId: string): Promise<void> {
  await worklistRow(page, caseId).dblclick();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', caseId);
  await expect(page.getByTestId('report-status')).toHaveText('draft');
}

/** A loopback proxy that holds the answer to `POST /api/reports` a while (a slow network). */
async function startSlowReportsProxy(
  upstreamUrl: string,
  holdMs: number,
): Promise<{ url: string; stop(): Promise<void> }> {
  const upstream = new URL(upstreamUrl);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const slow = req.method === 'POST' && (req.url ?? '').startsWith('/api/reports');
    const out = http.request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (up) => {
        const answer = () => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        };
        if (slow) setTimeout(answer, holdMs);
        else answer();
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

/** mulberry32: a small seeded PRNG, so a failing run can be repeated with its seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Crashes the page's renderer process (and its workers) as a crash or a killed process would. */
async function crash(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent('crash', { timeout: 10_000 });
  cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  await page.close().catch(() => undefined);
}

test('a report written from a template with two measurements, signed while the server is down, survives a reload and is delivered exactly once as signed; HTML in it stays text', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const rig = await startSyncRig();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    await signIn(page, USER, { baseUrl: rig.url });
    await expect(worklistRow(page, CASE)).toHaveAttribute('data-sync-state', 'ready', {
      timeout: 60_000,
    });
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await waitKeyEnrolled(page);
    await openCase(page, CASE);
    await addTwoMeasurements(page, CASE);
    // written beside the app (not through Dexie), so the page reads them on its next load
    await page.reload();

    const editor = page.getByTestId('report-editor');
    // The template follows the case (a chest radiograph), with the clinical context above it.
    await expect(editor.getByTestId('report-template')).toHaveValue('cr-chest');
    await expect(editor.getByTestId('report-context')).toBeVisible();
    await expect(editor.getByTestId('viewer-measurement')).toHaveCount(2);

    // Keyboard first: a macro fills the normal findings as it is typed; Alt+M inserts measurements.
    const lungs = editor.getByLabel('Lungs');
    await lungs.click();
    await lungs.pressSequentially('Subtle opacity at the right base. .normalchest');
    await expect(lungs).toHaveValue('Subtle opacity at the right base.\nThe lungs are clear.');
    await expect(editor.getByLabel('Heart and mediastinum')).toHaveValue(
      'Heart size and mediastinal contours are normal.',
    );
    await expect(editor.getByTestId('report-impression')).toHaveValue(
      'No acute cardiopulmonary process.',
    );
    await page.keyboard.press('Alt+m');
    await page.keyboard.press('Alt+m');
    await expect(editor.getByTestId('insert-measurement')).toHaveCount(0);
    await editor.getByLabel('Comparison').fill(`None. ${XSS}`);

    // A measurement in the report links back to its image.
    const jumps = await page.evaluate(() => {
      const seen: unknown[] = [];
      window.addEventListener('tandem:jump-to-image', (e) => seen.push((e as CustomEvent).detail));
      (window as unknown as { __jumps: unknown[] }).__jumps = seen;
      return seen.length;
    });
    expect(jumps).toBe(0);
    await editor.getByTestId('viewer-measurement').first().getByRole('button').first().click();
    const detail = await page.evaluate(() => (window as unknown as { __jumps: unknown[] }).__jumps);
    expect(detail).toEqual([
      expect.objectContaining({
        annotationId: 'e2e-measure-1',
        sopInstanceUid: expect.any(String),
      }),
    ]);

    // Required fields are checked at the field.
    await page.getByTestId('sign-button').click();
    await expect(editor.locator('[data-testid="field-error"][data-field="views"]')).toHaveText(
      '"Views" is required.',
    );
    await expect(page.getByTestId('report-status')).toHaveText('draft');
    await editor.getByRole('checkbox', { name: 'PA' }).check();
    await expect(page.getByTestId('report-saved')).toHaveAttribute('data-save-state', 'saved');
    // At rest the draft is sealed with the workstation key: none of its text lies in the cache.
    const written = ['Subtle opacity', 'cardiopulmonary', 'Opacity right base', XSS];
    expect(await wordsInClear(page, 'drafts', CASE, written)).toEqual({ rows: 1, found: [] });

    // The preview is the text that will be signed, HTML included as text.
    const preview = (await editor.getByTestId('report-preview').textContent()) ?? '';
    expect(preview).toContain(`Comparison: None. ${XSS}`);
    expect(preview).toContain('Opacity right base: length 23.46 mm (image 1)');
    expect(preview).toContain('Heart width: length 141 mm (image 1)');

    // The server goes away; signing works offline with the enrolled key.
    await rig.backend.stop();
    await page.getByTestId('sign-button').click();
    await expect(page.getByTestId('report-status')).toHaveText('queued');
    const signedText = await page.getByTestId('signed-report-text').textContent();
    expect(signedText).toBe(preview);
    // Immutable: no form is left to edit.
    await expect(editor.getByTestId('sign-button')).toHaveCount(0);
    await expect(editor.locator('textarea, input, select')).toHaveCount(0);
    // Signed and queued, sealed too: no report text in the signed report nor in the outbox.
    for (const table of ['signedReports', 'outbox']) {
      expect(await wordsInClear(page, table, CASE, written)).toEqual({ rows: 1, found: [] });
    }
    expect(await wordsInClear(page, 'drafts', CASE, written)).toEqual({ rows: 0, found: [] });

    await page.reload();
    await expect(page.getByTestId('offline-banner')).toBeVisible();
    await expect(page.getByTestId('report-status')).toHaveText('queued');
    await expect(page.getByTestId('signed-report-text')).toHaveText(signedText!);
    expect(backendReports(rig.backend.dataDir, CASE)).toEqual([]);

    await rig.restartBackend();
    await expect(page.getByTestId('report-status')).toHaveText('delivered', { timeout: 45_000 });
    const stored = backendReports(rig.backend.dataDir, CASE);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.text).toBe(signedText);
    const [signedRow] = (await cacheRows(page, 'signedReports', CASE)) as Array<{
      reportId: string;
    }>;
    expect(stored[0]!.reportId).toBe(signedRow!.reportId);

    // Nothing in it ran as HTML, anywhere it was shown.
    await expect(page.getByTestId('signed-report-text')).toContainText(XSS);
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(
      undefined,
    );
    expect(dialogs).toEqual([]);
  } finally {
    await rig.stop();
  }
});

test('killing the page at random points between signed and delivered never loses nor duplicates a report', async ({
  page: firstPage,
  context,
}) => {
  // 20 trials of a few seconds each on a quiet machine; a loaded one takes several times longer
  test.setTimeout(360_000);
  const TRIALS = 20;
  const seed = Number(process.env.TANDEM_KILL_SEED ?? 20261201);
  const random = seeded(seed);
  const rig = await startSyncRig();
  const slow = await startSlowReportsProxy(rig.url, 200);
  let page = firstPage;
  const points: number[] = [];
  const trialMs: number[] = [];
  try {
    await signIn(page, USER, { baseUrl: slow.url });
    await waitKeyEnrolled(page);
    await openCase(page, CASE);
    for (let trial = 0; trial < TRIALS; trial++) {
      const trialStart = Date.now();
      const editor = page.getByTestId('report-editor');
      await editor.getByTestId('report-template').selectOption('generic');
      await editor.locator('#report-field-findings').fill(`Trial ${trial}: no change.`);
      await editor.getByTestId('report-impression').fill(`Impression of trial ${trial}.`);
      await page.getByTestId('sign-button').click();
      // signed (stored in the cache) ...
      await page.waitForFunction(
        () => document.querySelector('[data-testid="report-status"]')?.textContent !== 'draft',
        null,
        { polling: 5 },
      );
      // ... then killed at a random point on the way to delivered (the answer takes ≥ 200 ms)
      const at = Math.round(random() * 500);
      points.push(at);
      await page.waitForTimeout(at);
      await crash(context, page);

      page = await context.newPage();
      await page.goto(`${slow.url}/#/cases/${CASE}`);
      await expect(page.getByTestId('report-status')).toHaveText('delivered', {
        timeout: 30_000,
      });
      const signedText = await page.getByTestId('signed-report-text').textContent();
      expect(signedText).toContain(`Trial ${trial}: no change.`);
      const stored = backendReports(rig.backend.dataDir, CASE);
      expect(stored, `trial ${trial}, killed ${at} ms after signing`).toHaveLength(1);
      expect(stored[0]!.text).toBe(signedText);
      const outbox = (await cacheRows(page, 'outbox', CASE)) as Array<{ state: string }>;
      expect(outbox.map((o) => o.state)).toEqual(['delivered']);

      // The next trial reports the case afresh.
      forgetBackendReports(rig.backend.dataDir, CASE);
      await forgetCachedReports(page, CASE);
      // (changed beside the app, which reads the cache anew when loaded)
      await page.reload();
      await expect(page.getByTestId('report-status')).toHaveText('draft');
      trialMs.push(Date.now() - trialStart);
    }
    console.log(
      `report kill loop: seed ${seed}, killed at ${points.join(', ')} ms after signing; ` +
        `trials took ${trialMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s`,
    );
  } finally {
    await slow.stop();
    await rig.stop();
  }
});
