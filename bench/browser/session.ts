// Debian's Chromium driven by Playwright, the way the e2e suite drives it: browser mode against
// the real backend. Sign-in, the baseline page, and heap readings through the DevTools protocol.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { REPO_ROOT } from '../../backend/test-support/processes.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium.ts';

export const VIEWPORT = { width: 1400, height: 900 };
export const DEMO_PASSWORD = 'tandem-demo';

const PAGES_DIR = path.join(REPO_ROOT, 'bench', 'pages');
/** Where the baseline page appears on the backend's origin (answered by the harness, not the backend). */
export const BASELINE_PATH = '/__bench/baseline.html';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      ...CHROMIUM_ARGS,
      // `performance.memory` with exact numbers, and no throttling of pages we are not looking at.
      '--enable-precise-memory-info',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
    ],
  });
}

export function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ viewport: VIEWPORT, baseURL });
}

/**
 * A browser on a profile kept on disk, as the app has: Chromium keeps an off-the-record context's
 * IndexedDB in memory, which would count a synced cache as the browser's memory.
 */
export function launchProfile(profileDir: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    viewport: VIEWPORT,
    baseURL,
  });
}

/** Signs in through the login form, as a user would, and waits for the worklist. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/');
  const form = page.getByTestId('login-form');
  await form.getByLabel('Username').fill(username);
  await form.getByLabel('Password').fill(DEMO_PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('worklist').waitFor({ timeout: 30_000 });
}

/**
 * Turns off sealing of new images in this profile (the workstation setting "encrypt the cache",
 * on by default), before sign-in: the sync then stores images as received.
 */
export async function storeCachePlain(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('login-form').waitFor();
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        // The login screen has opened the settings database (Dexie's version 1 is IndexedDB
        // version 10) by now: open it at whatever version it has. Only when it is not there yet is
        // the settings store created, as Dexie would.
        const put = (db: IDBDatabase) => {
          const tx = db.transaction('entries', 'readwrite');
          tx.objectStore('entries').put({ key: 'encrypt-cache', value: false });
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        const existing = indexedDB.open('tandem-workstation');
        existing.onerror = () => reject(existing.error);
        existing.onsuccess = () => {
          const db = existing.result;
          if (db.objectStoreNames.contains('entries')) {
            put(db);
            return;
          }
          db.close();
          indexedDB.deleteDatabase('tandem-workstation').onsuccess = () => {
            const created = indexedDB.open('tandem-workstation', 10);
            created.onupgradeneeded = () =>
              created.result.createObjectStore('entries', { keyPath: 'key' });
            created.onerror = () => reject(created.error);
            created.onsuccess = () => put(created.result);
          };
        };
      }),
  );
}

/**
 * In a profile that was signed in before (a browser launched again on it): the app may still hold
 * the session and show the worklist at once; signs in through the form only if it asks. Says which.
 */
export async function signInIfAsked(
  page: Page,
  username: string,
): Promise<'session kept' | 'signed in'> {
  await page.goto('/');
  const form = page.getByTestId('login-form');
  await form.or(page.getByTestId('worklist')).first().waitFor({ timeout: 30_000 });
  if (!(await form.isVisible())) return 'session kept';
  await signIn(page, username);
  return 'signed in';
}

/**
 * Opens the baseline page on the backend's origin, so its WADO-URI requests carry the session
 * cookie like the viewer's: a context of its own in the same browser, with the reading context's
 * cookies and no service worker (the app's would answer the page's address itself). The harness
 * answers the page's two files, then stops intercepting, so no timed request passes through
 * Playwright.
 */
export async function openBaselinePage(
  browser: Browser,
  reading: BrowserContext,
  baseURL: string,
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    baseURL,
    storageState: await reading.storageState(),
    serviceWorkers: 'block',
  });
  const page = await context.newPage();
  await loadBaselinePage(page);
  return { page, context };
}

/**
 * Loads the baseline page's two files into `page` on the backend's origin (answered by the
 * harness), then stops intercepting, so no timed request passes through Playwright.
 */
export async function loadBaselinePage(page: Page): Promise<void> {
  const files: Record<string, { body: string; type: string }> = {
    'baseline.html': {
      body: readFileSync(path.join(PAGES_DIR, 'baseline.html'), 'utf8'),
      type: 'text/html',
    },
    'baseline.js': {
      body: readFileSync(path.join(PAGES_DIR, 'baseline.js'), 'utf8'),
      type: 'text/javascript',
    },
  };
  await page.route('**/__bench/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop() ?? '';
    const file = files[name];
    return file
      ? route.fulfill({ status: 200, contentType: file.type, body: file.body })
      : route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto(BASELINE_PATH);
  await page.waitForFunction(() => 'tandemBench' in window);
  await page.unrouteAll({ behavior: 'wait' });
}

/**
 * The baseline page in a browser of its own on a profile on disk, as the app's whole-worklist
 * runs have (`launchProfile`): IndexedDB written to disk, not kept in memory as in an
 * off-the-record context. Signed in by API (a session cookie, no app page, no sync worker), no
 * service worker. Close the context when done; the profile directory is the caller's.
 */
export async function openBaselinePageOnDisk(
  profileDir: string,
  baseURL: string,
  reader: string,
): Promise<{ page: Page; context: BrowserContext }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    viewport: VIEWPORT,
    baseURL,
    serviceWorkers: 'block',
  });
  try {
    const res = await context.request.post('/api/session', {
      data: { username: reader, password: DEMO_PASSWORD },
    });
    if (!res.ok()) throw new Error(`sign-in for the baseline failed: ${res.status()}`);
    const page = context.pages()[0] ?? (await context.newPage());
    await loadBaselinePage(page);
    return { page, context };
  } catch (err) {
    await context.close();
    throw err;
  }
}

export interface SyncSettled {
  ms: number;
  /** the worklist showed a sync state other than `ready` at some point: the sync worker is wired */
  wired: boolean;
  /** rows per `data-sync-state` when settled */
  states: Record<string, number>;
}

/**
 * Waits until every worklist row says `data-sync-state` ready (or error): with the sync worker
 * wired, the cases are then on this workstation and the viewer reads them from the local cache.
 */
export async function waitForSyncSettled(page: Page, timeoutMs: number): Promise<SyncSettled> {
  return page.evaluate(
    (limit) =>
      new Promise<SyncSettled>((resolve, reject) => {
        const started = performance.now();
        let wired = false;
        const poll = () => {
          const rows = Array.from(document.querySelectorAll('[data-testid="worklist-row"]'));
          const states: Record<string, number> = {};
          for (const row of rows) {
            const state = row.getAttribute('data-sync-state') ?? 'none';
            states[state] = (states[state] ?? 0) + 1;
            if (state !== 'ready') wired = true;
          }
          const settled =
            rows.length > 0 && Object.keys(states).every((s) => s === 'ready' || s === 'error');
          if (settled) {
            resolve({ ms: performance.now() - started, wired, states });
          } else if (performance.now() - started > limit) {
            reject(new Error(`the worklist's sync did not settle: ${JSON.stringify(states)}`));
          } else {
            setTimeout(poll, 250);
          }
        };
        poll();
      }),
    timeoutMs,
  );
}

export interface HeapReading {
  /** V8 heap in use (JavaScript objects) */
  jsHeapBytes: number;
  /** ArrayBuffer backing stores (decoded pixels live here) */
  backingStoreBytes: number;
  /** Blink's own (DOM) heap */
  embedderBytes: number;
}

/** Forces a full garbage collection, then reads the page's heap (DevTools protocol). */
export async function heapAfterGc(page: Page): Promise<HeapReading> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = (await cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      embedderHeapUsedSize?: number;
      backingStorageSize?: number;
    };
    return {
      jsHeapBytes: usage.usedSize,
      backingStoreBytes: usage.backingStorageSize ?? 0,
      embedderBytes: usage.embedderHeapUsedSize ?? 0,
    };
  } finally {
    await cdp.detach();
  }
}
