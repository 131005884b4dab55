import type { Page } from '@playwright/test';
import { test, expect, signIn, DEMO_PASSWORD } from './fixtures.ts';
import { gsdfConformingReadings } from '../shared/display/tg18.ts';

async function enterReadings(page: Page, readings: number[]) {
  const form = page.getByRole('form', { name: 'TG18-LN readings' });
  for (const [i, value] of readings.entries()) {
    await form.getByLabel(new RegExp(`^Level ${i + 1} \\(DDL`)).fill(value.toFixed(3));
  }
  await form.getByRole('button', { name: 'Evaluate and record' }).click();
}

test.describe('display QA in browser mode', () => {
  test('flags the display as overdue, passes GSDF readings, fails deviating ones, and records them', async ({
    page,
  }) => {
    await signIn(page, 'radiologist1');
    const badge = page.getByTestId('display-qa-overdue');
    await expect(badge).toBeVisible();
    await badge.click();
    await expect(page.getByTestId('display-qa')).toBeVisible();
    const display = page.getByTestId('display-qa-display');
    await expect(display).toHaveCount(1);
    await expect(display).toContainText(/\d+ × \d+/);
    await expect(display).toContainText('never');

    // A display that follows the GSDF from 0.8 to 350 cd/m² (computed here from PS3.14).
    await enterReadings(page, gsdfConformingReadings(0.8, 350));
    const result = page.getByTestId('display-qa-result');
    await expect(result).toHaveAttribute('data-result', 'pass');
    await expect(result.getByRole('heading')).toHaveText('pass');
    await expect(display).toContainText('pass');

    // The same display with a plain gamma 2.2 response deviates from the GSDF.
    await enterReadings(
      page,
      Array.from({ length: 18 }, (_, i) => 0.8 + 349.2 * (i / 17) ** 2.2),
    );
    await expect(result).toHaveAttribute('data-result', 'fail');
    await expect(result.getByRole('heading')).toHaveText('fail');
    await expect(result).toContainText(/deviates .* from the GSDF/);

    // The passing test is recorded with its date: the worklist no longer flags the display.
    await page.getByRole('link', { name: 'Back to the worklist' }).click();
    await expect(page.getByTestId('worklist')).toBeVisible();
    await expect(page.getByTestId('display-qa-overdue')).toHaveCount(0);
    const records = await page.evaluate(async () => {
      const open = indexedDB.open('tandem-workstation');
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(new Error('open failed'));
      });
      const request = db.transaction('entries').objectStore('entries').get('display-qa-records');
      return await new Promise<{ pass: boolean; testedAt: string }[]>((resolve) => {
        request.onsuccess = () => resolve((request.result as { value: never }).value);
      });
    });
    expect(records.map((r) => r.pass)).toEqual([true, false]);
    expect(Date.parse(records[0]?.testedAt ?? '')).toBeGreaterThan(Date.now() - 600_000);
  });

  test('the test pattern fills the window and Esc goes back', async ({ page }) => {
    await signIn(page, 'radiologist1');
    await page.goto('/#/display-qa');
    await page.getByRole('button', { name: 'Show test pattern' }).click();
    const pattern = page.getByTestId('display-qa-pattern');
    await expect(pattern).toBeVisible();
    // The 0 % and 100 % patches and the mid-grey background are drawn.
    const levels = await pattern.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const ctx = canvas.getContext('2d');
      const data = ctx?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      const seen = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add(data[i] ?? -1);
      return [...seen];
    });
    expect(levels).toEqual(expect.arrayContaining([0, 128, 255]));
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('display-qa')).toBeVisible();
  });
});

test.describe('idle lock and sign-out purge in browser mode', () => {
  test('locks after the idle time, keeps the screen under it, unlocks with the password only', async ({
    page,
  }) => {
    await page.clock.install();
    await signIn(page, 'radiologist1');
    await page.clock.fastForward('16:00');
    const lock = page.getByTestId('lock-screen');
    await expect(lock).toBeVisible();
    // The worklist is still there, unreachable under the lock screen.
    await expect(page.getByTestId('worklist')).toBeAttached();
    await lock.getByLabel('Password').fill('not-the-password');
    await lock.getByRole('button', { name: 'Unlock' }).click();
    await expect(lock.getByRole('alert')).toBeVisible();
    await expect(lock).toBeVisible();
    await lock.getByLabel('Password').fill(DEMO_PASSWORD);
    await lock.getByRole('button', { name: 'Unlock' }).click();
    await expect(lock).toHaveCount(0);
    await expect(page.getByTestId('worklist')).toBeVisible();
  });

  test('sign-out with purge deletes the patient cache and keeps the workstation database', async ({
    page,
  }) => {
    await signIn(page, 'radiologist1');
    const databases = () =>
      page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).sort());
    await expect.poll(databases).toContain('tandem');
    await page.getByRole('button', { name: 'Sign out' }).click();
    const dialog = page.getByTestId('sign-out-dialog');
    await dialog.getByLabel('Also delete all cached patient data from this workstation').check();
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByTestId('login-form')).toBeVisible();
    await expect.poll(databases).toEqual(['tandem-workstation']);
  });
});
