import { DatabaseSync } from 'node:sqlite';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, expect, signIn } from './fixtures.ts';

/**
 * The QA reviewer in browser mode against the real backend: scores every seeded discordant pair
 * with RADPEER (the diff of the mammography pair marks its seeded differences), then the
 * statistics dashboard and its CSV show the same numbers the test counts itself from the
 * backend's SQLite rows.
 */

type Rows = Array<Record<string, unknown>>;

function sql(dataDir: string, query: string, ...params: string[]): Rows {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    return db.prepare(query).all(...params) as Rows;
  } finally {
    db.close();
  }
}

const SCORES = ['3b', '2a', '1', '2b'] as const;
/** The colours the QA view gives the first and the second read (renderer/qa/reader-overlays.ts). */
const READER_STROKES = { first: 'rgb(255, 160, 0)', second: 'rgb(0, 170, 255)' };

/** Gives both reads of a pair a signed form with one length on the first image of the study. */
function markPairReads(dataDir: string, pairId: string): { restore(): void } {
  const db = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
  try {
    db.exec('PRAGMA busy_timeout = 5000;');
    const pair = db
      .prepare(
        'SELECT study_uid, first_report_id, second_report_id FROM discordant_pairs WHERE pair_id = ?',
      )
      .get(pairId) as Record<string, string>;
    const inst = db
      .prepare(
        `SELECT i.sop_uid, i.series_uid, i.meta_json FROM dicom_instances i
           JOIN dicom_series s ON s.series_uid = i.series_uid
          WHERE i.study_uid = ? ORDER BY s.series_number, i.instance_number LIMIT 1`,
      )
      .get(pair['study_uid']!) as Record<string, string>;
    const meta = JSON.parse(inst['meta_json']!) as Record<string, { Value?: number[] }>;
    const ipp = meta['00200032']?.Value ?? [0, 0, 0];
    const iop = meta['00200037']?.Value ?? [1, 0, 0, 0, 1, 0];
    // a line along the rows, 60 mm in from the first pixel and 20 mm down per reader
    const at = (col: number, row: number) =>
      [0, 1, 2].map((k) => ipp[k]! + col * iop[k]! + row * iop[k + 3]!);
    const length = (reportId: string, n: number) => {
      const m = {
        annotationId: `qa-e2e-${n}`,
        caseId: 'qa-e2e',
        kind: 'length',
        label: `Lesion ${n}`,
        studyInstanceUid: pair['study_uid'],
        seriesInstanceUid: inst['series_uid'],
        sopInstanceUid: inst['sop_uid'],
        frameIndex: 0,
        imageIndex: 0,
        values: [{ name: 'length', value: 30 * n, unit: 'mm' }],
        points: [at(60, 20 * n), at(60 + 30 * n, 20 * n)],
        createdAt: 1,
        updatedAt: 1,
      };
      const signed = {
        document: {
          reportId: crypto.randomUUID(),
          caseId: 'qa-e2e',
          author: { userId: 'seeded', displayName: 'Seeded reader' },
          signedAt: '2026-01-01T00:00:00.000Z',
          content: {
            templateId: 'generic',
            templateVersion: '1.0',
            caseId: 'qa-e2e',
            values: {},
            measurements: [m],
            impression: '',
            critical: null,
          },
          keyId: 'wk-seeded',
        },
        hash: '0'.repeat(64),
        signature: 'seeded',
      };
      db.prepare('UPDATE reports SET signed_json = ? WHERE report_id = ?').run(
        JSON.stringify(signed),
        reportId,
      );
    };
    length(pair['first_report_id']!, 1);
    length(pair['second_report_id']!, 2);
    return {
      restore() {
        const back = new DatabaseSync(path.join(dataDir, 'tandem.sqlite'));
        try {
          back.exec('PRAGMA busy_timeout = 5000;');
          back
            .prepare('UPDATE reports SET signed_json = NULL WHERE report_id IN (?, ?)')
            .run(pair['first_report_id']!, pair['second_report_id']!);
        } finally {
          back.close();
        }
      },
    };
  } finally {
    db.close();
  }
}
const pct = (n: number, d: number) => `${((n / d) * 100).toFixed(1)} %`;

test('a QA reviewer scores the seeded discordant pairs and the dashboard counts what the backend stored', async ({
  page,
  backend,
}) => {
  test.setTimeout(60_000);
  const pairs = sql(
    backend.dataDir,
    'SELECT pair_id, study_uid FROM discordant_pairs ORDER BY pair_id',
  );
  expect(pairs.length).toBeGreaterThanOrEqual(3);
  expect(pairs.map((p) => p['pair_id'])).toContain('pair-mg-focal-asymmetry');

  // Both reads of the first pair get a length measurement on the first image of its study, as a
  // report signed on Tandem carries them (the seeded reads are text only); put back at the end.
  const marked = markPairReads(backend.dataDir, String(pairs[0]!['pair_id']));
  try {
    await reviewPairs();
  } finally {
    marked.restore();
  }

  async function reviewPairs() {
    await signIn(page, 'qa1');
    await page.getByTestId('nav-qa').click();
    const queue = page.getByTestId('qa-queue');
    await expect(queue).toBeVisible();
    const row = (id: string) => queue.locator(`[data-testid="qa-row"][data-item-id="pair:${id}"]`);

    for (const [i, pair] of pairs.entries()) {
      const id = String(pair['pair_id']);
      const score = SCORES[i % SCORES.length]!;
      await row(id).click();
      const item = page.locator(`[data-testid="qa-item"][data-item-id="pair:${id}"]`);
      await expect(item.getByTestId('report-comparison')).toBeVisible();
      if (i === 0) {
        // The QA reviewer opens the images of the pair: the study under review, rendered, with a
        // legend naming both reads in colours of their own.
        const images = item.getByTestId('qa-images');
        const readers = images.getByTestId('qa-legend-reader');
        await expect(readers).toHaveCount(2);
        const colours = await readers.evaluateAll((els) =>
          els.map((e) => e.getAttribute('data-colour')),
        );
        expect(new Set(colours).size).toBe(2);
        await expect(images.getByTestId('viewport')).toHaveAttribute('data-rendered', 'true', {
          timeout: 30_000,
        });
        // each reader's measurement over the image, drawn in that reader's colour
        for (const [reader, colour] of Object.entries(READER_STROKES)) {
          const entry = readers.and(page.locator(`[data-reader="${reader}"]`));
          await expect(entry).toHaveAttribute('data-count', '1');
          await expect(entry).toHaveAttribute('data-colour', colour);
          await entry.getByRole('button').click();
          await expect(images.locator(`svg [stroke="${colour}"]`).first()).toBeAttached();
        }
        // Opened in the viewer, the case says the reviewer is reviewing: no blinded original
        // "hidden until you sign", and no report to write.
        await images.getByTestId('qa-open-case').click();
        await expect(page.getByTestId('case-view')).toBeVisible();
        await expect(page.getByTestId('review-only')).toBeVisible();
        await expect(page.getByTestId('original-report')).toHaveCount(0);
        await expect(page.getByTestId('report-not-yours')).toBeVisible();
        await page.goBack();
        await row(id).click();
        await expect(item.getByTestId('report-comparison')).toBeVisible();
      }
      if (id === 'pair-mg-focal-asymmetry') {
        // the seeded differences: BI-RADS 1 vs 0, the focal asymmetry missed in the first read, recall
        await expect(
          item.locator('[data-testid="diff-category"][data-system="BI-RADS"]'),
        ).toContainText('1 → 0');
        await expect(
          item.locator('[data-testid="diff-finding"][data-finding="asymmetry"]'),
        ).toHaveAttribute('data-present-in', 'second');
        await expect(item.getByTestId('diff-impression').locator('ins')).toContainText(['Recall']);
      }
      const form = item.getByTestId('qa-review-form');
      await form.locator(`input[name="radpeer"][value="${score}"]`).check();
      if (score !== '1')
        await form.getByTestId('discrepancy-category').selectOption('missed-finding');
      await form.getByLabel('Adjudication note').fill(`Reviewed ${id}.`);
      await form.getByTestId('qa-submit-review').click();
      await expect(item.getByTestId('qa-review')).toHaveAttribute('data-score', score);
      await expect(row(id)).toHaveAttribute('data-score', score);
    }

    // Independently from the backend's rows: reviews, their study's modality and subspecialty.
    const reviews = sql(backend.dataDir, 'SELECT item_id, score, study_uid FROM qa_reviews');
    expect(reviews).toHaveLength(pairs.length);
    const one = (q: string, uid: string) => {
      const values = [...new Set(sql(backend.dataDir, q, uid).map((r) => String(r['v'])))];
      expect(values).toHaveLength(1);
      return values[0]!;
    };
    const facts = reviews.map((r) => ({
      score: String(r['score']),
      modality: one(
        'SELECT DISTINCT modality AS v FROM dicom_series WHERE study_uid = ?',
        String(r['study_uid']),
      ),
      subspecialty: one(
        `SELECT DISTINCT c.subspecialty AS v FROM cases c JOIN dicom_studies s ON s.patient_id = c.patient_id
       WHERE s.study_uid = ?`,
        String(r['study_uid']),
      ),
    }));
    const discordant = (list: typeof facts) => list.filter((f) => f.score !== '1').length;

    await page.getByTestId('qa-tab-stats').click();
    const total = page.getByTestId('qa-stat-total');
    await expect(total.getByTestId('stat-reviewed')).toHaveText(String(facts.length));
    await expect(total.getByTestId('stat-discordant')).toHaveText(String(discordant(facts)));
    await expect(total.getByTestId('stat-rate')).toHaveText(pct(discordant(facts), facts.length));
    for (const s of ['1', '2a', '2b', '3a', '3b']) {
      await expect(total.getByTestId(`stat-score-${s}`)).toHaveText(
        String(facts.filter((f) => f.score === s).length),
      );
    }
    await expect(page.getByTestId('qa-chart')).toBeVisible();
    // aggregated only: no per-reader breakdown for a QA reviewer
    await expect(
      page.getByTestId('qa-stat-dimension').locator('option[value="reader"]'),
    ).toHaveCount(0);

    for (const dimension of ['modality', 'subspecialty'] as const) {
      await page.getByTestId('qa-stat-dimension').selectOption(dimension);
      const keys = [...new Set(facts.map((f) => f[dimension]))].sort();
      const rows = page.locator(`[data-testid="qa-stat-row"][data-dimension="${dimension}"]`);
      await expect(rows).toHaveCount(keys.length);
      for (const key of keys) {
        const group = facts.filter((f) => f[dimension] === key);
        const r = rows.and(page.locator(`[data-key="${key}"]`));
        await expect(r.getByTestId('stat-reviewed')).toHaveText(String(group.length));
        await expect(r.getByTestId('stat-discordant')).toHaveText(String(discordant(group)));
      }
    }

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('qa-export-csv').click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8').split('\n');
    expect(csv[0]).toMatch(/^dimension,group,reviewed,discordant,/);
    expect(csv[1]).toMatch(new RegExp(`^all,all,${facts.length},${discordant(facts)},`));

    // Every access is in the audit log.
    const audited = sql(
      backend.dataDir,
      "SELECT action, outcome FROM audit_log WHERE username = 'qa1' AND action LIKE 'qa.%'",
    );
    expect(audited.filter((a) => a['action'] === 'qa.review.create')).toHaveLength(pairs.length);
    expect(audited.filter((a) => a['action'] === 'qa.item.read').length).toBeGreaterThanOrEqual(
      pairs.length,
    );
    expect(audited.some((a) => a['action'] === 'qa.queue')).toBe(true);
    expect(audited.some((a) => a['action'] === 'qa.stats')).toBe(true);
  }
});
