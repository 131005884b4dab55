// What sealing cached images at rest costs (issue "Desktop shell": AES-GCM at rest, goal ≤ 10 %
// on time to first image): the CT case opened after a page reload, so its first image is read
// from IndexedDB and opened by the cipher, in a profile whose cache is sealed beside one whose
// cache is stored plain, alternately, in the same browser.
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { newContext, signIn, storeCachePlain } from '../browser/session.ts';
import { measuredFigure, type Figure } from '../figure.ts';
import { CT_CASE_ID, CT_READER } from './ct-case.ts';
import { openCase, reloadToWorklist } from './viewer.ts';

export interface AtRestPlan {
  /** openings after a reload, per profile */
  reloads: number;
}

async function readyProfile(
  browser: Browser,
  backendUrl: string,
  sealed: boolean,
  log: (line: string) => void,
): Promise<{ context: BrowserContext; page: Page }> {
  const name = sealed ? 'sealed' : 'plain';
  const context = await newContext(browser, backendUrl);
  const page = await context.newPage();
  if (!sealed) await storeCachePlain(page);
  await signIn(page, CT_READER);
  log(`at rest: ${name} profile signed in, waiting for the CT case to be ready offline`);
  const row = page.locator(`[data-testid="worklist-row"][data-case-id="${CT_CASE_ID}"]`);
  await row.and(page.locator('[data-sync-state="ready"]')).waitFor({ timeout: 5 * 60_000 });
  // the images really are stored as this profile says
  const seen = await page.evaluate(
    () =>
      new Promise<boolean>((resolve, reject) => {
        const req = indexedDB.open('tandem');
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const cursor = req.result.transaction('instances').objectStore('instances').openCursor();
          cursor.onsuccess = () => {
            const value = cursor.result?.value as { sealed?: boolean } | undefined;
            req.result.close();
            resolve(value?.sealed === true);
          };
          cursor.onerror = () => reject(cursor.error);
        };
      }),
  );
  if (seen !== sealed)
    throw new Error(`the ${sealed ? 'sealed' : 'plain'} profile stored otherwise`);
  return { context, page };
}

export async function measureAtRest(
  browser: Browser,
  backendUrl: string,
  plan: AtRestPlan,
  log: (line: string) => void,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const sealedProfile = await readyProfile(browser, backendUrl, true, log);
  const plainProfile = await readyProfile(browser, backendUrl, false, log);
  try {
    const sealed: number[] = [];
    const plain: number[] = [];
    const open = async (p: { page: Page }, into: number[]) => {
      const row = p.page.locator(`[data-testid="worklist-row"][data-case-id="${CT_CASE_ID}"]`);
      await p.page.bringToFront();
      await reloadToWorklist(p.page, row);
      into.push((await openCase(p.page, row)).ms);
    };
    // one unmeasured opening each: code and workers warm in both profiles
    await open(sealedProfile, []);
    await open(plainProfile, []);
    for (let i = 0; i < plan.reloads; i++) {
      if (i % 2 === 0) {
        await open(sealedProfile, sealed);
        await open(plainProfile, plain);
      } else {
        await open(plainProfile, plain);
        await open(sealedProfile, sealed);
      }
    }
    log(
      `at rest: first image after reload, sealed ${sealed.map(Math.round).join(', ')} ms; ` +
        `plain ${plain.map(Math.round).join(', ')} ms`,
    );
    return {
      figures: [
        measuredFigure({
          id: 'at-rest.first-image',
          title: 'First image after reload, cache sealed with AES-GCM at rest',
          unit: 'ms',
          samples: sealed,
          baselineTitle: 'the same, in a profile whose cache is stored plain',
          baselineSamples: plain,
          goal: {
            text: '≤ 1.10 × plain',
            source: 'issue "Desktop shell": encryption costs ≤ 10 % on time to first image',
            met: ({ ratio }) => (ratio === null ? null : ratio <= 1.1),
          },
        }),
      ],
      details: { sealed, plain },
    };
  } finally {
    await sealedProfile.context.close();
    await plainProfile.context.close();
  }
}
