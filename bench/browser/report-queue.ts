// The report-queueing code for the page, bundled once per run from `report-queue.entry.ts` (the
// shared signing and outbox modules with Dexie) and evaluated in the app's page.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { build } from 'rolldown';
import { REPO_ROOT } from '../../backend/test-support/processes.ts';

let bundled: Promise<string> | undefined;

function bundle(): Promise<string> {
  bundled ??= build({
    input: path.join(REPO_ROOT, 'bench', 'browser', 'report-queue.entry.ts'),
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    output: { format: 'iife' },
  }).then((out) => {
    const chunk = out.output.find((o) => o.type === 'chunk');
    if (!chunk || chunk.type !== 'chunk') throw new Error('the report queue did not bundle');
    return chunk.code;
  });
  return bundled;
}

/** Makes `window.tandemBenchReports.queueReports` available in the page. */
export async function installReportQueue(page: Page): Promise<void> {
  const code = await bundle();
  await page.evaluate(code);
  await page.waitForFunction(() => 'tandemBenchReports' in window);
}
