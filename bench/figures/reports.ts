// The report figures (issue "Structured report editor"): sign → delivered through the editor on
// loopback, and how fast the outbox drains 100 reports queued while the backend was paused.
// "Delivered" is the backend having the signed row (read from its SQLite database).
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { REPO_ROOT, type BackendProcess } from '../../backend/test-support/processes.ts';
import { installReportQueue } from '../browser/report-queue.ts';
import { measuredFigure, type Figure } from '../figure.ts';
import { reportCaseId } from '../data/bench-data.ts';

export interface ReportsPlan {
  /** reports signed through the editor, one case each */
  signed: number;
  /** reports queued while the backend is paused, then drained */
  queued: number;
  /** drains of `queued` reports, one after the other in the same page (default 3) */
  drains?: number;
}

/** Signed reports the backend holds for the bench's report cases. */
export function deliveredCount(dataDir: string): number {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    const row = db
      .prepare(
        "SELECT COUNT(*) AS n FROM reports WHERE case_id LIKE 'bench-report-%' AND signature IS NOT NULL",
      )
      .get() as { n: number };
    return Number(row.n);
  } finally {
    db.close();
  }
}

/** Waits until this profile's workstation key is enrolled with the backend (sign-in does it). */
async function waitKeyEnrolled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('tandem-workstation');
        open.onerror = () => resolve(false);
        open.onsuccess = () => {
          const db = open.result;
          const req = db.transaction('entries').objectStore('entries').getAll();
          req.onsuccess = () => {
            db.close();
            const rows = req.result as Array<{ key: string; value: { keyId?: unknown } }>;
            resolve(
              rows.some(
                (r) => r.key.startsWith('workstation-key:') && typeof r.value.keyId === 'string',
              ),
            );
          };
          req.onerror = () => resolve(false);
        };
      }),
    null,
    { timeout: 30_000, polling: 250 },
  );
}

/** In the page: the click on sign starts the clock, `report-status` saying delivered stops it. */
function armSignWatch(timeoutMs: number): void {
  const w = window as unknown as { __benchSign?: Promise<{ ms: number; queuedMs: number }> };
  w.__benchSign = new Promise((resolve, reject) => {
    let clickAt = 0;
    let queuedAt = 0;
    const timer = setTimeout(() => reject(new Error('the report was not delivered')), timeoutMs);
    const check = () => {
      const status = document.querySelector('[data-testid="report-status"]')?.textContent ?? '';
      if (status === 'queued' && queuedAt === 0) queuedAt = performance.now();
      if (status === 'delivered') {
        clearTimeout(timer);
        resolve({
          ms: performance.now() - clickAt,
          queuedMs: (queuedAt || performance.now()) - clickAt,
        });
        return;
      }
      requestAnimationFrame(check);
    };
    document.querySelector('[data-testid="sign-button"]')?.addEventListener(
      'click',
      () => {
        clickAt = performance.now();
        requestAnimationFrame(check);
      },
      { capture: true, once: true },
    );
  });
}

/** In the page: ECDSA P-256 signature of a report-sized text plus one round trip to the backend. */
async function baselineSignAndPost(): Promise<number> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
  ]);
  const body = new TextEncoder().encode('x'.repeat(2048));
  const started = performance.now();
  await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, body);
  const res = await fetch('/api/health', { cache: 'no-store' });
  await res.text();
  return performance.now() - started;
}

/** In the page: `n` round trips to the backend, one after another; ms in all. */
async function roundTrips(n: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await fetch('/api/health', { cache: 'no-store' });
    await res.text();
  }
  return performance.now() - started;
}

interface Drain {
  queued: { ms: number; queued: number };
  /** from the backend resuming until it holds every queued report */
  drainedMs: number;
  firstMs: number;
  /** as many plain round trips from the page, one at a time (the baseline) */
  tripsMs: number;
}

/**
 * Pauses the backend (SIGSTOP), queues a signed report for each case in the page, resumes it
 * (SIGCONT) and times until the backend holds them all; then as many plain round trips.
 */
async function drainOutbox(
  page: Page,
  backend: BackendProcess,
  args: { caseIds: string[]; template: unknown; deliveredBefore: number },
): Promise<Drain> {
  const before = deliveredCount(backend.dataDir);
  if (before !== args.deliveredBefore) {
    throw new Error(`the backend holds ${before} bench reports, ${args.deliveredBefore} expected`);
  }
  const expected = before + args.caseIds.length;
  backend.child.kill('SIGSTOP');
  let queued: { ms: number; queued: number };
  let resumedAt: number;
  try {
    queued = await page.evaluate(
      (a) =>
        (
          window as unknown as {
            tandemBenchReports: {
              queueReports(a: unknown): Promise<{ ms: number; queued: number }>;
            };
          }
        ).tandemBenchReports.queueReports(a),
      { caseIds: args.caseIds, template: args.template },
    );
    await page.waitForTimeout(1000);
  } finally {
    backend.child.kill('SIGCONT');
    resumedAt = performance.now();
  }
  let firstAt = 0;
  for (;;) {
    const n = deliveredCount(backend.dataDir);
    if (n > before && firstAt === 0) firstAt = performance.now();
    if (n >= expected) break;
    if (performance.now() - resumedAt > 180_000) {
      throw new Error(`only ${n - before} of ${args.caseIds.length} queued reports were delivered`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const drainedMs = performance.now() - resumedAt;
  const tripsMs = await page.evaluate(roundTrips, args.caseIds.length);
  return { queued, drainedMs, firstMs: firstAt - resumedAt, tripsMs };
}

/**
 * Runs in a page signed in as the report cases' reader (radiologist1 of the bench data), on the
 * worklist, with the backend it talks to.
 */
export async function measureReports(
  page: Page,
  backend: BackendProcess,
  plan: ReportsPlan,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  await waitKeyEnrolled(page);
  const before = deliveredCount(backend.dataDir);
  if (before > 0) throw new Error(`the backend already holds ${before} bench reports`);

  // 1. Sign → delivered, through the editor.
  const signed: Array<{ ms: number; queuedMs: number }> = [];
  const baseline: number[] = [];
  for (let i = 0; i < plan.signed; i++) {
    const caseId = reportCaseId(i);
    await page.goto('/#/worklist');
    const row = page.locator(`[data-testid="worklist-row"][data-case-id="${caseId}"]`);
    await row.dblclick();
    await page.locator(`[data-testid="case-view"][data-case-id="${caseId}"]`).waitFor();
    const editor = page.getByTestId('report-editor');
    await page.getByTestId('report-status').filter({ hasText: 'draft' }).waitFor();
    await editor.getByTestId('report-template').selectOption('generic');
    await editor.locator('#report-field-findings').fill(`Bench ${i}: no acute findings.`);
    await editor.getByTestId('report-impression').fill('No acute abnormality.');
    await page.locator('[data-testid="report-saved"][data-save-state="saved"]').waitFor();
    await page.evaluate(armSignWatch, 30_000);
    await page.getByTestId('sign-button').click();
    const timing = await page.evaluate(
      () =>
        (window as unknown as { __benchSign: Promise<{ ms: number; queuedMs: number }> })
          .__benchSign,
    );
    if (deliveredCount(backend.dataDir) !== i + 1) {
      throw new Error(`the page said delivered but the backend does not hold report ${i + 1}`);
    }
    signed.push(timing);
    baseline.push(await page.evaluate(baselineSignAndPost));
  }
  log(
    `reports: sign → delivered ${signed.map((s) => Math.round(s.ms)).join(', ')} ms; ` +
      `baseline ${baseline.map(Math.round).join(', ')} ms`,
  );

  // 2. 100 reports queued while the backend is paused (SIGSTOP), then drained (SIGCONT); again
  // for each drain, on cases without a report yet (the backend takes one report per case).
  await page.goto('/#/worklist');
  await page.locator('[data-testid="worklist-row"]').first().waitFor();
  await installReportQueue(page);
  const template = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'resources', 'report-templates', 'generic.json'), 'utf8'),
  ) as unknown;
  const drains: Drain[] = [];
  for (let d = 0; d < Math.max(1, plan.drains ?? 3); d++) {
    const first = plan.signed + d * plan.queued;
    const caseIds = Array.from({ length: plan.queued }, (_, i) => reportCaseId(first + i));
    drains.push(await drainOutbox(page, backend, { caseIds, template, deliveredBefore: first }));
    const r = drains.at(-1)!;
    log(
      `reports: drain ${d + 1}: ${plan.queued} queued in ${(r.queued.ms / 1000).toFixed(1)} s, drained ${(r.drainedMs / 1000).toFixed(1)} s ` +
        `after the backend resumed (first after ${Math.round(r.firstMs)} ms); ${plan.queued} round trips ${Math.round(r.tripsMs)} ms`,
    );
  }
  const perSecond = (n: number, ms: number) => (n / ms) * 1000;

  return {
    figures: [
      measuredFigure({
        id: 'report.sign-to-delivered',
        title: 'Report: sign → delivered on loopback (editor, backend row)',
        unit: 'ms',
        samples: signed.map((s) => s.ms),
        baselineTitle: 'ECDSA P-256 signature of 2 KB + one round trip to the backend, in the page',
        baselineSamples: baseline,
        goal: {
          text: '—',
          source: 'issue "Structured report editor": a figure, no goal set',
          met: () => null,
        },
        notes: [
          `click on sign to "queued": ${signed.map((s) => Math.round(s.queuedMs)).join(', ')} ms`,
          'the backend verifies the signature, stores the report and writes a DICOM SR before it answers',
        ],
      }),
      measuredFigure({
        id: 'report.outbox-drain',
        title: `Report outbox: ${plan.queued} queued reports drained`,
        unit: 'reports/s',
        quote: ['median'],
        samples: drains.map((r) => perSecond(plan.queued, r.drainedMs)),
        baselineTitle: `${plan.queued} plain round trips to the backend from the page, one at a time`,
        baselineUnit: 'requests/s',
        baselineSamples: drains.map((r) => perSecond(plan.queued, r.tripsMs)),
        goal: {
          text: '—',
          source: 'issue "Structured report editor": a figure, no goal set',
          met: () => null,
        },
        notes: [
          `${drains.length} drains of ${plan.queued} reports each, one after the other in the same page, each on cases without a report yet`,
          `queued by the shared signing and outbox code in the page while the backend was paused (SIGSTOP): ${drains.map((r) => (r.queued.ms / 1000).toFixed(1)).join(', ')} s for ${plan.queued}`,
          `from the backend resuming to the last row: ${drains.map((r) => (r.drainedMs / 1000).toFixed(1)).join(', ')} s; the first row after ${drains.map((r) => Math.round(r.firstMs)).join(', ')} ms`,
        ],
      }),
    ],
    details: { signed, baseline, drains },
  };
}
