import { test, expect, signIn } from './fixtures.ts';
import { demoManifest } from './demo-manifest.ts';
import { storedInstances } from './support/cache-inspect.ts';
import {
  expectImageShown,
  neededStudies,
  startSyncRig,
  waitAllReady,
  worklistRow,
} from './support/sync-rig.ts';

const CASE_ID = 'case-ct-chest-screening-peer-review';

interface Listed {
  sop: string;
  series: string;
  number: number;
}

/** The case's instances as the backend lists them (QIDO-RS), asked directly, not through the UI. */
async function listStudy(backendUrl: string, studyUid: string): Promise<Listed[]> {
  const login = await fetch(`${backendUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'radiologist1', password: 'tandem-demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(
    `${backendUrl}/dicom-web/studies/${studyUid}/instances?includefield=0020000E,00200013`,
    { headers: { authorization: `Bearer ${token}`, accept: 'application/dicom+json' } },
  );
  const body = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
  return body.map((i) => ({
    sop: String(i['00080018']!.Value![0]),
    series: String(i['0020000E']!.Value![0]),
    number: Number(i['00200013']!.Value![0]),
  }));
}

test('an image the backend serves truncated is retried, then reported on its case in words; the rest of the case syncs', async ({
  page,
}) => {
  test.setTimeout(360_000);
  const manifest = demoManifest();
  const needed = neededStudies(manifest, 'radiologist1');
  const studyUid = manifest.cases.find((c) => c.caseId === CASE_ID)!.studyInstanceUid;
  const rig = await startSyncRig();
  try {
    const listed = await listStudy(rig.backend.url, studyUid);
    const series = listed[0]!.series;
    const inSeries = listed.filter((i) => i.series === series).sort((a, b) => a.number - b.number);
    const victimIndex = 4;
    const victim = inSeries[victimIndex]!;
    rig.proxy.truncate([victim.sop], 0.6);

    await signIn(page, 'radiologist1', { baseUrl: rig.url });
    const row = worklistRow(page, CASE_ID);
    await expect(row).toHaveAttribute('data-sync-state', 'error', { timeout: 240_000 });
    const message = row.getByTestId('sync-error');
    await expect(message).toContainText(/Image \d+ of series .* arrived damaged 3 times/);
    await expect(message).not.toContainText(/at \w+ \(|Error:|undefined/);
    // retried before it was given up on
    expect(rig.proxy.wadoRequests().get(victim.sop)).toBeGreaterThanOrEqual(3);

    // every other image of the case and its prior is here; the damaged one is not
    const total = needed.get(CASE_ID)!.reduce((n, s) => n + s.instanceCount, 0);
    await expect(row).toHaveAttribute('data-instances-done', String(total - 1));
    await expect(row).toHaveAttribute('data-instances-total', String(total));
    const stored = await storedInstances(page);
    const ofCase = stored.filter((i) => i.caseIds.includes(CASE_ID));
    expect(ofCase).toHaveLength(total - 1);
    expect(stored.some((i) => i.sopInstanceUid === victim.sop)).toBe(false);
    // the other cases are not held up by it
    await waitAllReady(
      page,
      [...needed.keys()].filter((id) => id !== CASE_ID),
    );

    // In the viewer the damaged image says why it is missing; its neighbours show.
    await row.dblclick();
    await page.locator(`[data-testid="series-item"][data-series-uid="${series}"]`).click();
    await expectImageShown(page, 0);
    for (let i = 0; i < victimIndex; i++) await page.keyboard.press('ArrowDown');
    const viewport = page.getByTestId('viewport').first();
    await expect(viewport).toHaveAttribute('data-image-index', String(victimIndex));
    await expect(viewport).toHaveAttribute('data-image-error', 'true');
    await expect(viewport.getByRole('alert')).toContainText(
      `Image ${victimIndex + 1} could not be displayed`,
    );
    await page.keyboard.press('ArrowDown');
    await expectImageShown(page, victimIndex + 1);
  } finally {
    await rig.stop();
  }
});
