import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { BackendProcess } from '../backend/test-support/processes.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium.ts';
import { startChaosProxy, type ChaosProxy, type FaultKind } from './chaos-proxy.ts';

/**
 * The report outbox under faults, in Chromium: the real renderer (browser mode, served by the
 * backend) signs reports through its real outbox, talking to the backend through a chaos proxy
 * that drops, delays, resets and answers 5xx to report submissions and DICOMweb requests; between
 * "signed" and "delivered" the page is often killed (its renderer crashed) and opened again.
 * Each trial's fate is counted from the backend's own rows: delivered once, duplicated, or lost.
 */

const USER = 'radiologist1';
const PASSWORD = 'tandem-demo';

/** What happened to the reports signed so far. */
export interface OutboxTally {
  signed: number;
  delivered: number;
  duplicated: number;
  lost: number;
  /** refused for good by the backend (the outbox shows an error): a failure too */
  refused: number;
  /** delivered only after the faults were turned off */
  deliveredAfterFaultsOff: number;
  /** submissions the backend answered as a repeat of one it had already stored */
  resentAfterLostAnswer: number;
  problems: string[];
}

export function newOutboxTally(): OutboxTally {
  return {
    signed: 0,
    delivered: 0,
    duplicated: 0,
    lost: 0,
    refused: 0,
    deliveredAfterFaultsOff: 0,
    resentAfterLostAnswer: 0,
    problems: [],
  };
}

export interface OutboxRig {
  /** runs `trials` sign-kill-deliver trials, adding to the tally */
  round(trials: number, tally: OutboxTally): Promise<void>;
  stop(): Promise<void>;
}

function withDb<T>(backend: BackendProcess, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    return fn(db);
  } finally {
    db.close();
  }
}

/** Report submissions and DICOMweb get faults; sign-in, the case API and the app's files do not. */
function outboxEligible(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  return url.startsWith('/api/reports') || url.startsWith('/dicom-web/');
}

/** Runs one IndexedDB request in the page with the raw API (not the app's code). */
async function idb<T>(
  page: Page,
  job: { db: string; stores: string[]; op: 'outboxStates' | 'forgetCase' | 'keyEnrolled' },
  caseId: string,
): Promise<T> {
  return page.evaluate(
    ([job, caseId]) =>
      new Promise<never>((resolve, reject) => {
        const open = indexedDB.open(job.db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const mode = job.op === 'forgetCase' ? 'readwrite' : 'readonly';
          const tx = db.transaction(job.stores, mode);
          let result: unknown = null;
          if (job.op === 'outboxStates') {
            const req = tx.objectStore('outbox').index('caseId').getAll(caseId);
            req.onsuccess = () =>
              (result = (req.result as Array<{ state: string }>).map((r) => r.state));
          } else if (job.op === 'keyEnrolled') {
            const req = tx.objectStore('entries').getAll();
            req.onsuccess = () =>
              (result = (req.result as Array<{ key: string; value: { keyId?: unknown } }>).some(
                (r) => r.key.startsWith('workstation-key:') && typeof r.value?.keyId === 'string',
              ));
          } else {
            for (const name of job.stores) {
              const store = tx.objectStore(name);
              const req = store.index('caseId').getAllKeys(caseId);
              req.onsuccess = () => req.result.forEach((k) => store.delete(k));
            }
          }
          tx.oncomplete = () => {
            db.close();
            resolve(result as never);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    [job, caseId] as const,
  );
}

const statusOf = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-testid="report-status"]')?.textContent ?? null);

/** Waits until the report status is one of `wanted`; returns it, or null after `timeoutMs`. */
async function waitStatus(
  page: Page,
  wanted: readonly string[],
  timeoutMs: number,
): Promise<string | null> {
  try {
    const handle = await page.waitForFunction(
      (wanted) => {
        const s = document.querySelector('[data-testid="report-status"]')?.textContent ?? '';
        return wanted.includes(s) ? s : false;
      },
      wanted,
      { timeout: timeoutMs, polling: 50 },
    );
    return (await handle.jsonValue()) as string;
  } catch {
    return null;
  }
}

/** Crashes the page's renderer process, as a killed process would. */
async function crash(context: BrowserContext, page: Page): Promise<void> {
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent('crash', { timeout: 10_000 });
  cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  await page.close().catch(() => undefined);
}

export async function startOutboxRig(options: {
  backend: () => BackendProcess;
  /** kills the backend and starts it again on the same data and port */
  restartBackend: () => Promise<void>;
  random: () => number;
  faults: Map<FaultKind, number>;
  caseId: string;
  seed: number;
}): Promise<OutboxRig> {
  const { random, faults, caseId, seed } = options;
  const backend = options.backend;
  const proxy: ChaosProxy = await startChaosProxy(backend().url, random, {
    eligible: outboxEligible,
    faults,
  });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let page = await context.newPage();
  let trialNo = 0;

  const caseUrl = () => `${proxy.url}/#/cases/${caseId}`;

  async function openCase(): Promise<void> {
    await page.goto(caseUrl());
    await page.getByTestId('report-status').waitFor({ timeout: 30_000 });
  }

  async function signIn(): Promise<void> {
    await page.goto(proxy.url);
    const form = page.getByTestId('login-form');
    await form.getByLabel('Username').fill(USER);
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('worklist').waitFor({ timeout: 30_000 });
    const until = Date.now() + 20_000;
    while (
      !(await idb<boolean>(
        page,
        { db: 'tandem-workstation', stores: ['entries'], op: 'keyEnrolled' },
        caseId,
      ))
    ) {
      if (Date.now() > until) throw new Error('the workstation signing key was never enrolled');
      await page.waitForTimeout(200);
    }
  }

  /** The backend's signed reports of this trial (by the marker in its text). */
  const backendRows = (marker: string) =>
    withDb(backend(), (db) =>
      Number(
        (
          db
            .prepare(
              'SELECT count(*) AS n FROM reports WHERE case_id = ? AND author = ? AND text LIKE ?',
            )
            .get(caseId, USER, `%${marker}%`) as { n: number }
        ).n,
      ),
    );

  const repeats = () =>
    withDb(backend(), (db) =>
      Number(
        (
          db
            .prepare(
              "SELECT count(*) AS n FROM audit_log WHERE action = 'report.submit' AND detail = 'repeat'",
            )
            .get() as { n: number }
        ).n,
      ),
    );

  async function forget(): Promise<void> {
    withDb(backend(), (db) =>
      db.prepare('DELETE FROM reports WHERE case_id = ? AND author = ?').run(caseId, USER),
    );
    await idb(
      page,
      { db: 'tandem', stores: ['signedReports', 'outbox'], op: 'forgetCase' },
      caseId,
    );
    await page.reload();
    if ((await waitStatus(page, ['draft'], 30_000)) === null)
      throw new Error(`the case did not return to draft (status ${await statusOf(page)})`);
  }

  async function trial(tally: OutboxTally): Promise<void> {
    const n = ++trialNo;
    const marker = `Soak trial ${n} seed ${seed}`;
    proxy.setFaultRate(0.2 + random() * 0.4);
    const editor = page.getByTestId('report-editor');
    await editor.getByTestId('report-template').selectOption('generic');
    await editor.locator('#report-field-findings').fill(`${marker}: no change.`);
    await editor.getByTestId('report-impression').fill(`Impression of ${marker}.`);
    await page.getByTestId('sign-button').click();
    if ((await waitStatus(page, ['signed', 'queued', 'delivered', 'error'], 15_000)) === null) {
      throw new Error(`${marker}: signing did not finish (status ${await statusOf(page)})`);
    }
    tally.signed++;
    // Sometimes the backend is killed and restarted mid-submit.
    if (random() < 0.15) {
      faults.set('backend-restart', (faults.get('backend-restart') ?? 0) + 1);
      await options.restartBackend();
    }
    // Killed at a random point on the way to delivered (most of the time), else reloaded.
    await page.waitForTimeout(Math.round(random() * 400));
    if (random() < 0.8) {
      if ((await statusOf(page)) !== 'delivered')
        faults.set('page-kill', (faults.get('page-kill') ?? 0) + 1);
      await crash(context, page);
      page = await context.newPage();
    }
    await openCase();
    let status = await waitStatus(page, ['delivered', 'error'], 45_000);
    if (status === null) {
      // Faults off: what the network broke must come through now.
      proxy.setFaultRate(0);
      await page.reload();
      status = await waitStatus(page, ['delivered', 'error'], 60_000);
      if (status === 'delivered') tally.deliveredAfterFaultsOff++;
    }
    proxy.setFaultRate(0);
    const rows = backendRows(marker);
    const states = await idb<string[]>(
      page,
      { db: 'tandem', stores: ['outbox'], op: 'outboxStates' },
      caseId,
    );
    if (status === 'error') {
      tally.refused++;
      const why = await page
        .getByTestId('report-editor')
        .innerText()
        .catch(() => '');
      tally.problems.push(`${marker}: refused: ${why.slice(0, 200).replace(/\s+/g, ' ')}`);
    }
    if (rows === 0) {
      tally.lost++;
      tally.problems.push(
        `${marker}: not in the backend (status ${status}, outbox ${states.join(',')})`,
      );
    } else if (rows > 1) {
      tally.duplicated++;
      tally.problems.push(`${marker}: ${rows} rows in the backend`);
    } else if (status === 'delivered' && states.length === 1 && states[0] === 'delivered') {
      tally.delivered++;
    } else {
      // In the backend once, but the workstation does not know: it would be sent again.
      tally.problems.push(
        `${marker}: stored, but the workstation shows ${status}, outbox ${states.join(',')}`,
      );
    }
    await forget();
  }

  await signIn();
  await openCase();
  if ((await waitStatus(page, ['draft'], 30_000)) === null)
    throw new Error(`the soak's case ${caseId} does not open as a draft`);

  return {
    async round(trials, tally) {
      const before = repeats();
      try {
        for (let i = 0; i < trials; i++) {
          try {
            await trial(tally);
          } catch (err) {
            // Counted as a problem (the run fails); start the next trial from a fresh page.
            tally.problems.push(
              `trial ${trialNo}: ${err instanceof Error ? err.message : String(err)}`,
            );
            proxy.setFaultRate(0);
            await page.close().catch(() => undefined);
            page = await context.newPage();
            await openCase();
            await forget();
          }
        }
      } finally {
        proxy.setFaultRate(0);
        tally.resentAfterLostAnswer += repeats() - before;
      }
    },
    async stop() {
      await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await proxy.stop();
    },
  };
}
