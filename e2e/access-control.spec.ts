import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';

test.describe('access control and bad requests', () => {
  test("a radiologist cannot fetch another radiologist's case or its images (403)", async ({
    page,
  }) => {
    const manifest = demoManifest();
    const theirs = manifest.cases.find((c) => c.assignee === 'radiologist2');
    const mine = manifest.cases.find((c) => c.assignee === 'radiologist1');
    expect(theirs && mine).toBeTruthy();
    // A study that is only radiologist2's, not also a prior of one of radiologist1's patients.
    const myPatients = new Set(
      manifest.cases
        .filter((c) => c.assignee === 'radiologist1')
        .map(
          (c) => manifest.studies.find((s) => s.studyInstanceUid === c.studyInstanceUid)?.patientId,
        ),
    );
    const theirStudy = manifest.studies.find(
      (s) => s.studyInstanceUid === theirs!.studyInstanceUid && !myPatients.has(s.patientId),
    );
    await signIn(page, 'radiologist1');

    const own = await page.request.get(`/api/cases/${mine!.caseId}`);
    expect(own.status()).toBe(200);

    const other = await page.request.get(`/api/cases/${theirs!.caseId}`);
    expect(other.status()).toBe(403);
    const body = await other.json();
    expect(body.error.message).toMatch(/\w/);

    if (theirStudy) {
      const qido = await page.request.get(
        `/dicom-web/studies/${theirStudy.studyInstanceUid}/series`,
      );
      expect(qido.status()).toBe(403);
    }

    // Opening it in the UI shows the refusal in words, not a blank page.
    await page.goto(`/#/cases/${theirs!.caseId}`);
    await expect(page.getByRole('alert')).toContainText(/not|forbidden|permission|assigned/i);
  });

  test('an unknown case id answers 404 with a message, and the UI says so', async ({ page }) => {
    await signIn(page, 'radiologist1');
    const res = await page.request.get('/api/cases/no-such-case');
    expect(res.status()).toBe(404);
    expect((await res.json()).error.code).toBe('case-not-found');
    await page.goto('/#/cases/no-such-case');
    await expect(page.getByRole('alert')).toContainText(/not found|no such|does not exist/i);
  });

  test('malformed JSON and schema violations get a 400 with a clear message, never a 500', async ({
    request,
  }) => {
    const malformed = await request.post('/api/session', {
      headers: { 'content-type': 'application/json' },
      // A Buffer, so Playwright sends the bytes as they are (a string would be JSON-encoded).
      data: Buffer.from('{"username": "radiologist1", "password": '),
    });
    expect(malformed.status()).toBe(400);
    expect((await malformed.json()).error.message).toMatch(/json/i);

    const wrongType = await request.post('/api/session', {
      data: { username: 42, password: ['x'] },
    });
    expect(wrongType.status()).toBe(400);
    expect((await wrongType.json()).error.message).toMatch(/username|password/i);

    const unauthenticated = await request.get('/api/worklist');
    expect(unauthenticated.status()).toBe(401);
  });
});
