import type { Page } from '@playwright/test';
import { test, expect, signIn } from './fixtures.ts';

// A worklist of 10,000 assignments. The demo backend seeds only a few cases, so the list is
// answered in its place (the same way `npm run bench` does for figure 4); the cases' details are
// held unanswered, so the sync worker waits instead of chasing 10,000 cases.
const COUNT = 10_000;
const PRIORITIES = ['stat', 'urgent', 'routine'] as const;

/** Case `i` of the synthetic list: the reading order is the order of `i`, patient names the reverse. */
function assignment(i: number, now: number) {
  const n = String(i + 1).padStart(6, '0');
  return {
    caseId: `case-scale-${n}`,
    kind: 'first-read',
    priority: PRIORITIES[Math.min(2, Math.floor((i * 3) / COUNT))],
    dueAt: new Date(now + (i - COUNT / 10) * 60_000).toISOString(),
    status: 'assigned',
    subspecialty: 'chest',
    studyInstanceUid: `2.25.${2_000_000 + i}`,
    accessionNumber: `SC${n}`,
    studyDate: '2026-11-24',
    description: 'CT CHEST WITHOUT CONTRAST',
    modalities: ['CT'],
    bodyPart: 'CHEST',
    patientName: `SCALE^PATIENT${String(COUNT - i).padStart(6, '0')}`,
    patientId: `SC-${n}`,
    numberOfInstances: 100,
    numberOfPriors: 0,
  };
}

const caseId = (i: number) => `case-scale-${String(i + 1).padStart(6, '0')}`;

async function selectedRow(page: Page) {
  const row = page.locator('[data-testid="worklist-row"][aria-selected="true"]');
  await expect(row).toHaveCount(1);
  return row;
}

test('a worklist of 10,000 assignments keeps few rows in the page and reads with the keyboard', async ({
  page,
}) => {
  const now = Date.now();
  const body = JSON.stringify({
    items: Array.from({ length: COUNT }, (_, i) => assignment(i, now)),
  });
  await page
    .context()
    .route('**/api/worklist', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
  await page.context().route(/\/api\/cases\/case-scale-/, () => {
    // never answered: the request ends with the page
  });

  await signIn(page, 'radiologist1');
  const table = page.getByTestId('worklist');
  // The table tells assistive technology the whole list (header row + 10,000) ...
  await expect(table).toHaveAttribute('aria-rowcount', String(COUNT + 1), { timeout: 30_000 });
  await expect(page.getByText(`${COUNT} cases`)).toBeVisible();
  // ... while only the rows around the screen are in the page.
  const rows = page.getByTestId('worklist-row');
  const inPage = await rows.count();
  expect(inPage).toBeGreaterThan(5);
  expect(inPage).toBeLessThan(80);
  await expect(rows.first()).toHaveAttribute('data-case-id', caseId(0));
  await expect(rows.first()).toHaveAttribute('aria-rowindex', '2');
  await expect(rows.first()).toHaveAttribute('data-sync-state', /^(queued|syncing|ready|error)$/);

  // ↓ and PageDown move the selection; the selected row stays on screen.
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(0));
  await page.keyboard.press('ArrowDown');
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(1));
  await page.keyboard.press('PageDown');
  const paged = Number(await (await selectedRow(page)).getAttribute('aria-rowindex')) - 2;
  expect(paged).toBeGreaterThan(5);
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(paged));
  await expect(await selectedRow(page)).toBeInViewport();

  // Sorting by patient reorders the whole list, not only the rows shown; the selected case stays
  // selected and on screen, at its new place.
  const patient = page.getByRole('columnheader', { name: /^Patient/ });
  await patient.getByRole('button').click();
  await expect(patient).toHaveAttribute('aria-sort', 'ascending');
  const kept = await selectedRow(page);
  await expect(kept).toHaveAttribute('data-case-id', caseId(paged));
  await expect(kept).toHaveAttribute('aria-rowindex', String(COUNT - 1 - paged + 2));
  await expect(kept).toBeInViewport();
  await table.focus();
  await page.keyboard.press('Home');
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(COUNT - 1));
  await expect(rows.first()).toHaveAttribute('data-case-id', caseId(COUNT - 1));
  await expect(rows.first()).toContainText('PATIENT000001');
  await patient.getByRole('button').click();
  await expect(patient).toHaveAttribute('aria-sort', 'descending');
  await expect(await selectedRow(page)).toHaveAttribute('aria-rowindex', String(COUNT + 1));
  // Back to the reading order (STAT first, by due time).
  await page
    .getByRole('columnheader', { name: /^Priority/ })
    .getByRole('button')
    .click();
  await expect(patient).toHaveAttribute('aria-sort', 'none');
  await table.focus();
  await page.keyboard.press('Home');
  await expect(rows.first()).toHaveAttribute('data-case-id', caseId(0));

  // End selects the last case of the list, scrolled into view; Enter opens it.
  await page.keyboard.press('End');
  const last = await selectedRow(page);
  await expect(last).toHaveAttribute('data-case-id', caseId(COUNT - 1));
  await expect(last).toHaveAttribute('aria-rowindex', String(COUNT + 1));
  await expect(last).toBeInViewport();
  expect(await rows.count()).toBeLessThan(80);
  await page.keyboard.press('Home');
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(0));
  await expect(await selectedRow(page)).toBeInViewport();
  await page.keyboard.press('End');
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(COUNT - 1));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/cases/${caseId(COUNT - 1)}$`));

  // Back on the worklist, the place is kept: the case last opened is selected and on screen.
  await page.goBack();
  await expect(table).toHaveAttribute('aria-rowcount', String(COUNT + 1));
  await expect(await selectedRow(page)).toHaveAttribute('data-case-id', caseId(COUNT - 1));
  await expect(await selectedRow(page)).toBeInViewport();
});

/** What the cache (IndexedDB `tandem`, read with the raw API) holds of these assignments, and how many it holds. */
function cachedAssignments(
  page: Page,
  caseIds: string[],
): Promise<{ count: number; rows: Array<{ caseId: string; description: string } | null> }> {
  return page.evaluate(
    (ids) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tandem');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('assignments')) {
            db.close();
            resolve({ count: 0, rows: ids.map(() => null) });
            return;
          }
          const store = db.transaction('assignments').objectStore('assignments');
          const count = store.count();
          const rows = ids.map((id) => store.get(id));
          store.transaction.oncomplete = () => {
            db.close();
            resolve({
              count: count.result,
              rows: rows.map((r) =>
                r.result ? { caseId: r.result.caseId, description: r.result.description } : null,
              ),
            });
          };
          store.transaction.onerror = () => reject(store.transaction.error);
        };
      }),
    caseIds,
  );
}

test('the 10,000 assignments shown at sign-in are kept in the cache: changes and removals reach it, and a reload offline shows the list', async ({
  page,
}) => {
  const now = Date.now();
  let items = Array.from({ length: COUNT }, (_, i) => assignment(i, now));
  const context = page.context();
  await context.route('**/api/worklist', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: JSON.stringify({ items }),
    }),
  );
  await context.route(/\/api\/cases\/case-scale-/, () => {
    // never answered: the request ends with the page
  });

  await signIn(page, 'radiologist1');
  const table = page.getByTestId('worklist');
  await expect(table).toHaveAttribute('aria-rowcount', String(COUNT + 1), { timeout: 30_000 });
  // The list on screen is the one the cache comes to hold, whole.
  await expect
    .poll(async () => (await cachedAssignments(page, [])).count, { timeout: 30_000 })
    .toBe(COUNT);

  // On the server the first case is re-described and the second one goes; a reload polls again.
  items = [{ ...items[0]!, description: 'CT CHEST WITH CONTRAST' }, ...items.slice(2)];
  await page.reload();
  await expect(table).toHaveAttribute('aria-rowcount', String(COUNT), { timeout: 30_000 });
  const rows = page.getByTestId('worklist-row');
  await expect(rows.first()).toHaveAttribute('data-case-id', caseId(0));
  await expect(rows.first()).toContainText('CT CHEST WITH CONTRAST');
  await expect(rows.nth(1)).toHaveAttribute('data-case-id', caseId(2));
  await expect
    .poll(() => cachedAssignments(page, [caseId(0), caseId(1)]), { timeout: 30_000 })
    .toEqual({
      count: COUNT - 1,
      rows: [{ caseId: caseId(0), description: 'CT CHEST WITH CONTRAST' }, null],
    });

  // The server cannot be reached: a reload shows the list from the cache, as last received.
  await context.route('**/api/**', (route) => route.abort('connectionrefused'));
  await page.reload();
  await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 30_000 });
  await expect(table).toHaveAttribute('aria-rowcount', String(COUNT), { timeout: 30_000 });
  await expect(rows.first()).toContainText('CT CHEST WITH CONTRAST');
  await expect(rows.nth(1)).toHaveAttribute('data-case-id', caseId(2));
});
