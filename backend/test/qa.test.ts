import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseDetail, QaQueueResponse, QaStatsResponse } from '../../shared/api/contract.ts';
import type { ReportContent } from '../../shared/report/document.ts';
import type { FixtureDemoCache } from '../test-support/dicom-fixtures.ts';
import { bearer } from '../test-support/http-client.ts';
import { startFixtureBackend, type FixtureBackend } from '../test-support/fixture-backend.ts';
import type { BackendProcess } from '../test-support/processes.ts';
import { measurement } from '../../shared/report/test-support/report-fixtures.ts';
import { readerAt, signAs, type Reader } from './report-helpers.ts';

/**
 * Second-opinion concordance and QA peer review against the real backend process: role checks,
 * anonymity of reviews, notifications of the reviewed reader, statistics, and the audit log.
 */
let backend: BackendProcess;
let started: FixtureBackend | undefined;
let r1: Reader;
let r2: Reader;
let qa: Reader;
let admin: Reader;
let fixture: FixtureDemoCache;

beforeAll(async () => {
  started = await startFixtureBackend();
  ({ backend, fixture } = started);
  [r1, r2, qa, admin] = await Promise.all([
    readerAt(backend.url, 'radiologist1'),
    readerAt(backend.url, 'radiologist2'),
    readerAt(backend.url, 'qa1'),
    readerAt(backend.url, 'admin1'),
  ]);
}, 60_000);

afterAll(async () => {
  await started?.stop();
});

function audit(
  action: string,
): Array<{ username: string; outcome: string; detail: string | null }> {
  const db = new DatabaseSync(path.join(backend.dataDir, 'tandem.sqlite'), { readOnly: true });
  try {
    return db
      .prepare('SELECT username, outcome, detail FROM audit_log WHERE action = ? ORDER BY seq')
      .all(action) as Array<{ username: string; outcome: string; detail: string | null }>;
  } finally {
    db.close();
  }
}

async function call(
  reader: Reader,
  method: string,
  p: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${backend.url}/api${p}`, {
    method,
    headers: bearer(reader.token, body === undefined ? {} : { 'content-type': 'application/json' }),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

function crContent(caseId: string, lungs: string, impression: string): ReportContent {
  return {
    templateId: 'cr-chest',
    templateVersion: '1.0',
    caseId,
    values: { views: ['pa'], lungs },
    measurements: [],
    impression,
    critical: null,
  };
}

describe('QA', () => {
  it('refuses the QA queue and items to a radiologist (403, audited) and shows the seeded pairs to a QA reviewer', async () => {
    const denied = await call(r1, 'GET', '/qa/queue');
    expect(denied.status).toBe(403);
    expect((await call(r1, 'GET', '/qa/items/pair:pair-mr-1')).status).toBe(403);
    expect(
      (
        await call(r1, 'POST', '/qa/items/pair:pair-mr-1/review', {
          score: '1',
          category: null,
          note: '',
        })
      ).status,
    ).toBe(403);
    expect(audit('qa.queue')).toContainEqual({
      username: 'radiologist1',
      outcome: 'denied',
      detail: 'forbidden-role',
    });

    const { items } = (await call(qa, 'GET', '/qa/queue')).json as QaQueueResponse;
    expect(items.map((i) => i.itemId)).toContain('pair:pair-mr-1');
    expect(audit('qa.queue').at(-1)).toMatchObject({ username: 'qa1', outcome: 'allowed' });
    const item = await qa.client.qaItem('pair:pair-mr-1');
    expect(item.first.text).not.toBe(item.second?.text);
  });

  it('records a second reader’s concordance only after their report is signed, and a major discrepancy enters the QA queue', async () => {
    const caseId = 'case-cr-chest-second';
    const early = await call(r1, 'POST', `/cases/${caseId}/concordance`, {
      concordance: 'major',
      comment: 'x',
      urgent: true,
    });
    expect(early.status).toBe(409);
    expect(
      (
        await call(r2, 'POST', `/cases/${caseId}/concordance`, {
          concordance: 'agree',
          comment: '',
          urgent: false,
        })
      ).status,
    ).toBe(403);

    await r1.client.submitReport(
      await signAs(r1, {
        ...crContent(caseId, 'Right lower lobe consolidation.', 'Right lower lobe pneumonia.'),
        measurements: [measurement({ annotationId: 'm-second-read', caseId })],
      }),
      'idem-qa-second-op-1',
    );
    const recorded = await r1.client.recordConcordance(caseId, {
      concordance: 'major',
      comment: 'Original missed the consolidation.',
      urgent: true,
    });
    expect(recorded.concordance).toMatchObject({ concordance: 'major', urgent: true });
    expect(audit('concordance.record').map((a) => a.outcome)).toEqual([
      'denied',
      'denied',
      'allowed',
    ]);

    const { items } = await qa.client.qaQueue();
    const entry = items.find((i) => i.itemId === `concordance:${caseId}`);
    expect(entry).toMatchObject({
      kind: 'concordance',
      concordance: 'major',
      urgent: true,
      score: null,
    });
    expect(items[0]!.itemId).toBe(`concordance:${caseId}`); // urgent first
    const detail = await qa.client.qaItem(`concordance:${caseId}`);
    expect(detail.second?.text).toMatch(/Right lower lobe pneumonia/);
    expect(detail.concordanceComment).toBe('Original missed the consolidation.');
  });

  it('samples a radiologist’s reports at the admin-set rate; the review reaches the reader anonymously, only an admin reveals the reviewer, another radiologist gets 403', async () => {
    expect(
      (await call(r1, 'PUT', '/qa/peer-review-rates', { userId: r1.user.id, rate: 1 })).status,
    ).toBe(403);
    await admin.client.setPeerReviewRate({ userId: r1.user.id, rate: 1 });
    const { reportId } = await r1.client.submitReport(
      await signAs(r1, crContent('case-ct-chest-stat', 'Clear.', 'Normal.')),
      'idem-qa-peer-1',
    );
    const itemId = `peer:${reportId}`;
    const { items } = await qa.client.qaQueue();
    expect(items.some((i) => i.itemId === itemId && i.kind === 'peer-review')).toBe(true);

    const missingCategory = await call(qa, 'POST', `/qa/items/${itemId}/review`, {
      score: '2b',
      category: null,
      note: '',
    });
    expect(missingCategory.status).toBe(400);
    const { review } = await qa.client.reviewQaItem(itemId, {
      score: '2b',
      category: 'missed-finding',
      note: 'Small left effusion not reported.',
    });
    expect(review.reviewer).toBe(qa.user.displayName);
    expect(
      (
        await call(qa, 'POST', `/qa/items/${itemId}/review`, {
          score: '1',
          category: null,
          note: '',
        })
      ).status,
    ).toBe(409);

    // the reviewed reader sees it, without the reviewer's name
    const mine = await r1.client.myReviews();
    expect(mine.reviews).toEqual([
      expect.objectContaining({ reviewId: review.reviewId, score: '2b', reviewer: null }),
    ]);
    expect((await r2.client.myReviews()).reviews).toEqual([]);
    const other = await call(r2, 'GET', `/qa/reviews/${review.reviewId}`);
    expect(other.status).toBe(403);
    expect(audit('qa.review.read')).toContainEqual({
      username: 'radiologist2',
      outcome: 'denied',
      detail: 'forbidden',
    });
    expect(
      (await call(r2, 'POST', `/qa/reviews/${review.reviewId}/response`, { text: 'no' })).status,
    ).toBe(403);

    const responded = await r1.client.respondToReview(
      review.reviewId,
      'The effusion was trace; agreed.',
    );
    expect(responded.review).toMatchObject({
      response: 'The effusion was trace; agreed.',
      reviewer: null,
    });

    expect((await call(qa, 'POST', `/qa/reviews/${review.reviewId}/reveal`, {})).status).toBe(403);
    await admin.client.revealReviewer(review.reviewId);
    expect((await r1.client.qaReview(review.reviewId)).review.reviewer).toBe(qa.user.displayName);
    expect(audit('qa.review.reveal')).toEqual([
      { username: 'qa1', outcome: 'denied', detail: 'forbidden-role' },
      { username: 'admin1', outcome: 'allowed', detail: review.reviewId },
    ]);
  });

  it('gives statistics with Wilson intervals; the per-reader breakdown only to an administrator', async () => {
    await qa.client.reviewQaItem('pair:pair-mr-1', { score: '1', category: null, note: 'Concur.' });
    const forQa = (await call(qa, 'GET', '/qa/stats')).json as QaStatsResponse;
    const forR1 = (await call(r1, 'GET', '/qa/stats')).json as QaStatsResponse;
    const forAdmin = await admin.client.qaStats();
    expect(forQa.groups.map((g) => g.dimension)).not.toContain('reader');
    expect(forR1.groups.map((g) => g.dimension)).not.toContain('reader');
    expect(forAdmin.groups.map((g) => g.dimension)).toContain('reader');
    expect(forAdmin.total.reviewed).toBe(2);
    expect(forAdmin.total.discordant).toMatchObject({ count: 1, rate: 0.5 });
    expect(forAdmin.total.discordant.low).toBeGreaterThan(0);
    expect(forAdmin.total.discordant.high).toBeLessThan(1);
    const readers = forAdmin.groups.find((g) => g.dimension === 'reader')!.rows;
    expect(readers.find((r) => r.key === r1.user.displayName)?.scores['2b'].count).toBe(1);
    expect(audit('qa.stats').map((a) => a.detail)).toEqual([
      'aggregated',
      'aggregated',
      'with readers',
    ]);
  });
});

describe('QA reviewers and the images under review', () => {
  it('opens only the cases under QA review, scoped to the studies under review, and audits it', async () => {
    const mr = fixture.studies.mrBrain.studyUid;
    const underReview = await call(qa, 'GET', '/cases/case-mr-brain-urgent');
    expect(underReview.status).toBe(200);
    const detail = underReview.json as unknown as CaseDetail;
    expect(detail.study.studyInstanceUid).toBe(mr);
    // the reader's CT prior is not under review: the QA reviewer does not get it
    expect(detail.priors).toEqual([]);
    const asReader = (await call(r2, 'GET', '/cases/case-mr-brain-urgent'))
      .json as unknown as CaseDetail;
    expect(asReader.priors.map((p) => p.studyInstanceUid)).toEqual([
      fixture.studies.ctAbdomenPrior.studyUid,
    ]);
    // r1's hand radiograph has nothing under review
    expect((await call(qa, 'GET', '/cases/case-cr-hand-urgent')).status).toBe(403);
    // and the pair's QA item points at the case that shows it
    const item = await call(qa, 'GET', '/qa/items/pair:pair-mr-1');
    expect(item.json['caseId']).toBe('case-mr-brain-urgent');

    // their worklist holds the cases under review, as they see them, to be fetched when opened
    const worklist = (await qa.client.worklist()).items;
    const listed = worklist.find((i) => i.caseId === 'case-mr-brain-urgent');
    expect(listed).toMatchObject({ status: 'reported', studyInstanceUid: mr, numberOfPriors: 0 });
    expect(worklist.map((i) => i.caseId)).not.toContain('case-cr-hand-urgent');

    // both reads come with their measurements: none for a seeded text report, the second reader's
    const concordance = await qa.client.qaItem('concordance:case-cr-chest-second');
    expect(concordance.first.measurements).toEqual([]);
    expect(concordance.second?.measurements.map((m) => m.annotationId)).toEqual(['m-second-read']);

    const reads = audit('case.read').filter((a) => a.username === 'qa1');
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: 'allowed', detail: 'qa-review' }),
        expect.objectContaining({ outcome: 'denied', detail: 'forbidden' }),
      ]),
    );
  });
});
