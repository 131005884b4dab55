import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { test, expect, signIn, startWebBackend } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';

/**
 * Clinical context, patient names and DICOM descriptions are data from outside: HTML and script in
 * them must show as text. And the page's CSP (header and <meta>) must stop inline script.
 */
const PAYLOADS = {
  reasonForExam: `<img src=x onerror="window.__xss='img';alert('img')">`,
  history: `<script>window.__xss='script';alert('script')</script>`,
  referringPhysician: `"><svg onload="window.__xss='svg';alert('svg')">`,
  studyDescription: `<iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`,
  seriesDescription: `<a href="javascript:alert('link')">series</a>`,
  patientName: `<b onmouseover="alert('name')">Evil</b>^Mallory`,
} as const;

test.describe('hostile text in case data', () => {
  test('renders clinical context, names and descriptions as text: no dialog, no injected element', async ({
    page,
  }) => {
    const manifest = demoManifest();
    // radiologist1's smallest case, so the test does not wait on a large study.
    const size = (uid: string) =>
      manifest.studies.find((s) => s.studyInstanceUid === uid)?.instanceCount ?? 1e9;
    const target = manifest.cases
      .filter((c) => c.assignee === 'radiologist1')
      .sort((a, b) => size(a.studyInstanceUid) - size(b.studyInstanceUid))[0]!;
    const backend = await startWebBackend();
    try {
      const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'));
      try {
        const row = db
          .prepare('SELECT context, patient_id FROM cases WHERE case_id = ?')
          .get(target.caseId) as { context: string; patient_id: string };
        const context = {
          ...(JSON.parse(row.context) as Record<string, unknown>),
          reasonForExam: PAYLOADS.reasonForExam,
          history: PAYLOADS.history,
          referringPhysician: PAYLOADS.referringPhysician,
        };
        db.prepare('UPDATE cases SET context = ? WHERE case_id = ?').run(
          JSON.stringify(context),
          target.caseId,
        );
        db.prepare('UPDATE patients SET patient_name = ? WHERE patient_id = ?').run(
          PAYLOADS.patientName,
          row.patient_id,
        );
        db.prepare('UPDATE dicom_studies SET study_description = ? WHERE study_uid = ?').run(
          PAYLOADS.studyDescription,
          target.studyInstanceUid,
        );
        db.prepare('UPDATE dicom_series SET series_description = ? WHERE study_uid = ?').run(
          PAYLOADS.seriesDescription,
          target.studyInstanceUid,
        );
      } finally {
        db.close();
      }

      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await signIn(page, 'radiologist1', { baseUrl: backend.url });
      const row = page.locator(`[data-testid="worklist-row"][data-case-id="${target.caseId}"]`);
      await expect(row).toContainText(PAYLOADS.studyDescription);
      await row.hover();
      await row.dblclick();
      const context = page.getByTestId('clinical-context');
      await expect(context).toContainText(PAYLOADS.reasonForExam);
      await expect(context).toContainText(PAYLOADS.history);
      await expect(context).toContainText(PAYLOADS.referringPhysician);
      await expect(page.getByTestId('series-item').first()).toContainText(
        PAYLOADS.seriesDescription,
      );
      await page.getByTestId('series-item').first().hover();

      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
      const injected = await page.evaluate(
        () =>
          document.querySelectorAll(
            'img[src="x"], svg[onload], iframe[srcdoc], a[href^="javascript:"], b[onmouseover], [onerror]',
          ).length,
      );
      expect(injected).toBe(0);
    } finally {
      await backend.stop();
    }
  });

  test('the page refuses inline script: a CSP header on the page, and an injected script does not run', async ({
    page,
    backend,
  }) => {
    const res = await page.goto(backend.url);
    const csp = res?.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(csp).not.toMatch(/'unsafe-inline'/);
    await expect(page.getByTestId('login-form')).toBeVisible();
    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(e.violatedDirective),
      );
      const s = document.createElement('script');
      s.textContent = "window.__inline = 'ran'";
      document.body.appendChild(s);
      const handler = document.createElement('div');
      handler.setAttribute('onclick', "window.__inline = 'handler'");
      document.body.appendChild(handler);
      handler.click();
      await new Promise((r) => setTimeout(r, 100));
      return { ran: (window as { __inline?: string }).__inline ?? null, violations };
    });
    expect(outcome.ran).toBeNull();
    expect(outcome.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  });
});
