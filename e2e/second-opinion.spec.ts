import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';
import { worklistRow } from './support/sync-rig.ts';

/**
 * A blinded second opinion in browser mode against the real backend: before the reader signs,
 * the original report is nowhere — not on screen, not in any IndexedDB store, not from the API
 * (403). After the reader's report is delivered it is fetched, shown beside the reader's read,
 * and the structured diff marks how they differ; the reader records a major discrepancy.
 */

const CASE = 'case-mg-screening-second-opinion';
// From the seeded original (scripts/demo-data/reports.ts, rpt-p4-mg-current-first)
const ORIGINAL_AUTHOR = 'Sofia Brandt';
const ORIGINAL_PHRASE =
  'Dense fibroglandular tissue in the upper outer quadrant without a discrete mass';

/** Every row of every store of the page's `tandem` database, as JSON text (Blobs as {}). */
async function wholeCache(
  page: Page,
): Promise<{ text: string; originalReports: number; stores: string[] }> {
  return page.evaluate(
    () =>
      new Promise<{ text: string; originalReports: number; stores: string[] }>(
        (resolve, reject) => {
          const open = indexedDB.open('tandem');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const stores = [...db.objectStoreNames];
            const tx = db.transaction(stores);
            const dump: Record<string, unknown[]> = {};
            for (const name of stores) {
              const req = tx.objectStore(name).getAll();
              req.onsuccess = () => (dump[name] = req.result);
            }
            tx.oncomplete = () => {
              db.close();
              resolve({
                text: JSON.stringify(dump),
                originalReports: dump['originalReports']?.length ?? -1,
                stores,
              });
            };
            tx.onerror = () => reject(tx.error);
          };
        },
      ),
  );
}

async function originalReportStatus(page: Page): Promise<number> {
  return page.evaluate(
    async (caseId) =>
      (await fetch(`/api/cases/${caseId}/original-report`, { credentials: 'same-origin' })).status,
    CASE,
  );
}

test('a second reader cannot see the original report in the UI, the cache or the API before signing; after delivery it appears beside their read with the differences marked', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, 'radiologist1');
  await expect(worklistRow(page, CASE)).toHaveAttribute('data-sync-state', 'ready', {
    timeout: 45_000,
  });
  await worklistRow(page, CASE).dblclick();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', CASE);

  // Blinded: the clinical context is there, the original report and its author are not.
  const original = page.getByTestId('original-report');
  await expect(original).toHaveAttribute('data-state', 'hidden');
  await expect(original).toContainText(/original report hidden until you sign/i);
  await expect(page.getByTestId('clinical-context')).toContainText(
    'Second opinion requested by the screening programme',
  );
  const body = (await page.locator('body').textContent()) ?? '';
  expect(body).not.toContain(ORIGINAL_AUTHOR);
  expect(body).not.toContain(ORIGINAL_PHRASE);
  const before = await wholeCache(page);
  expect(before.stores).toContain('originalReports');
  expect(before.originalReports).toBe(0);
  expect(before.text).not.toContain(ORIGINAL_AUTHOR);
  expect(before.text).not.toContain(ORIGINAL_PHRASE);
  expect(await originalReportStatus(page)).toBe(403);

  // The second read, through the report editor: a focal asymmetry, BI-RADS 0.
  const editor = page.getByTestId('report-editor');
  await expect(page.getByTestId('report-status')).toHaveText('draft');
  await expect(editor.getByTestId('report-template')).toHaveValue('mammography');
  await editor.getByLabel('Examination').selectOption('screening');
  await editor.getByLabel('Breast density (BI-RADS)').selectOption('c');
  await editor
    .getByLabel('Left breast')
    .fill('7 mm focal asymmetry in the upper outer quadrant, new since the prior study.');
  await editor.getByLabel('BI-RADS assessment').selectOption('0');
  await editor
    .getByTestId('report-impression')
    .fill('BI-RADS 0: Recall for diagnostic mammography and ultrasound of the left breast.');
  await expect(page.getByTestId('report-saved')).toHaveAttribute('data-save-state', 'saved');
  // still hidden while drafting
  expect((await wholeCache(page)).originalReports).toBe(0);
  await page.getByTestId('sign-button').click();
  await expect(page.getByTestId('report-status')).toHaveText('delivered', { timeout: 30_000 });

  // Released: fetched once into the cache and shown.
  await expect(original).toHaveAttribute('data-state', 'released', { timeout: 15_000 });
  await expect(page.getByTestId('original-report-text')).toContainText(ORIGINAL_PHRASE);
  const after = await wholeCache(page);
  expect(after.originalReports).toBe(1);
  expect(after.text).toContain(ORIGINAL_PHRASE);
  expect(await originalReportStatus(page)).toBe(200);

  await page.getByTestId('compare-reads').click();
  const compare = page.getByTestId('second-opinion-compare');
  await expect(compare.getByTestId('comparison-first')).toContainText(ORIGINAL_PHRASE);
  await expect(compare.getByTestId('comparison-second')).toContainText('7 mm focal asymmetry');
  await expect(
    compare.locator('[data-testid="diff-category"][data-system="BI-RADS"]'),
  ).toContainText('2 → 0');
  await expect(
    compare.locator('[data-testid="diff-finding"][data-finding="asymmetry"]'),
  ).toHaveAttribute('data-present-in', 'second');
  await expect(compare.getByTestId('diff-added').first()).toBeVisible();

  const form = compare.getByTestId('concordance-form');
  await form.getByLabel('Major discrepancy').check();
  await form.getByLabel('Flag for urgent communication').check();
  await form.getByLabel('Concordance comment').fill('Focal asymmetry not reported; recall needed.');
  await form.getByRole('button', { name: 'Record concordance' }).click();
  await expect(form.getByTestId('concordance-saved')).toHaveAttribute('data-concordance', 'major');
});
