import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { test, expect, signIn, startWebBackend } from './fixtures.ts';
import { worklistRow } from './support/sync-rig.ts';

/**
 * A signed report is corrected only by an addendum: in browser mode against a backend of its own,
 * a report is signed and delivered, then "Add addendum" opens the editor on a copy of it; the
 * addendum is signed, delivered through the same outbox, and shown under the original with its
 * time, while the original stays as signed. The backend holds both, the addendum amending the
 * original's hash.
 */

const CASE = 'case-cr-chest-ed-fever';

function backendReports(dataDir: string): Array<Record<string, unknown>> {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    return db
      .prepare(
        'SELECT report_id, hash, amends, text FROM reports WHERE case_id = ? AND signature IS NOT NULL ORDER BY signed_at',
      )
      .all(CASE) as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

test('a signed report is amended by a signed addendum, delivered once and shown under it with its time', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const backend = await startWebBackend();
  try {
    await signIn(page, 'radiologist1', { baseUrl: backend.url });
    await worklistRow(page, CASE).dblclick();
    const editor = page.getByTestId('report-editor');
    const status = page.getByTestId('report-status');
    await expect(status).toHaveText('draft');
    // the template follows the hanging protocol hung for the case
    await expect(page.getByTestId('hp-stage')).toHaveAttribute('data-protocol-id', 'cr-chest');
    await expect(editor.getByTestId('report-template')).toHaveValue('cr-chest');

    await editor.getByTestId('report-template').selectOption('generic');
    await editor.locator('#report-field-findings').fill('Right basal opacity.');
    await editor.getByTestId('report-impression').fill('Right lower lobe pneumonia.');
    await page.getByTestId('sign-button').click();
    await expect(status).toHaveText('delivered', { timeout: 20_000 });
    const original = editor.getByTestId('signed-report');
    const originalText = await original.getByTestId('signed-report-text').textContent();

    // The addendum starts from the signed report and must change something.
    await editor.getByTestId('add-addendum').click();
    await expect(editor.locator('#report-field-findings')).toHaveValue('Right basal opacity.');
    await page.getByTestId('sign-button').click();
    await expect(editor.getByTestId('addendum-problem')).toBeVisible();
    await editor
      .getByTestId('report-impression')
      .fill('Right lower lobe pneumonia. Addendum: small right effusion.');
    await page.getByTestId('sign-button').click();

    const addendum = editor.getByTestId('addendum');
    await expect(addendum).toHaveCount(1);
    await expect(addendum).toHaveAttribute('data-status', 'delivered', { timeout: 20_000 });
    await expect(status).toHaveText('delivered');
    await expect(addendum.getByTestId('addendum-report-text')).toContainText(
      'Addendum: small right effusion.',
    );
    await expect(addendum.getByTestId('signed-at')).toHaveAttribute(
      'datetime',
      /^\d{4}-\d\d-\d\dT/,
    );
    // under the original, which is unchanged
    await expect(original.getByTestId('signed-report-text')).toHaveText(originalText!);
    expect(
      await editor.evaluate((el) => {
        const o = el.querySelector('[data-testid="signed-report"]');
        const a = el.querySelector('[data-testid="addendum"]');
        return !!o && !!a && !!(o.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
      }),
    ).toBe(true);
    await expect(editor.getByTestId('add-addendum')).toBeVisible();

    const rows = backendReports(backend.dataDir);
    expect(rows).toHaveLength(2);
    expect(rows[0]!['amends']).toBe(null);
    expect(rows[1]!['amends']).toBe(rows[0]!['hash']);
    expect(rows[1]!['text']).toBe(await addendum.getByTestId('addendum-report-text').textContent());

    // Reloaded, the history is the same.
    await page.reload();
    await expect(editor.getByTestId('addendum')).toHaveAttribute('data-status', 'delivered');
    await expect(editor.getByTestId('signed-report-text')).toHaveText(originalText!);

    // Print / PDF: the printed page is the report and its addendum alone, with whole fingerprints.
    await expect(editor.getByTestId('report-print')).toBeVisible();
    const printed = page.getByTestId('report-print-view');
    await expect(printed).toBeHidden();
    await page.emulateMedia({ media: 'print' });
    await expect(printed).toBeVisible();
    await expect(printed.getByTestId('report-print-fingerprint')).toHaveText([
      String(rows[0]!['hash']),
      String(rows[1]!['hash']),
    ]);
    await expect(printed.getByTestId('report-print-part').first()).toContainText(originalText!);
    await expect(printed).toContainText('Addendum 1');
    await expect(page.getByTestId('viewport-grid')).toBeHidden();
    const box = (await printed.boundingBox())!;
    const onTop = await page.evaluate(
      ([x, y]) =>
        document.elementFromPoint(x!, y!)?.closest('[data-testid="report-print-view"]') !== null,
      [box.x + 30, box.y + 30],
    );
    expect(onTop, 'the printed report is what the page shows where it lies').toBe(true);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    await expect(printed).toBeHidden();
  } finally {
    await backend.stop();
  }
});
