import type {
  QaQueueItem,
  QaStatRow,
  QaStatsResponse,
  StatDimension,
} from '../../../shared/api/contract.ts';
import { isRadpeerDiscrepancy, RadpeerScore } from '../../../shared/domain/radpeer.ts';
import { wilsonInterval } from '../../../shared/domain/wilson-interval.ts';
import type { StudyCatalog } from '../cases/study-catalog.ts';
import { all, one, str, type Db } from '../db/database.ts';
import {
  allReviews,
  concordanceOf,
  ownReadOfCase,
  readOf,
  reviewOfItem,
  sampledReads,
  type StoredRead,
} from './qa-repository.ts';

/**
 * The QA queue: seeded discordant pairs, second readers' discordant concordance statements and
 * random peer-review samples, each as an item with both reads (or the one sampled read).
 */
export interface ResolvedItem {
  item: QaQueueItem;
  /** the read under review */
  first: StoredRead;
  second: StoredRead | null;
  concordanceComment: string | null;
}

async function describeStudy(
  db: Db,
  catalog: StudyCatalog,
  studyUid: string,
): Promise<Pick<QaQueueItem, 'description' | 'modality' | 'bodyPart' | 'subspecialty'>> {
  const summary = await catalog.summary(studyUid);
  const sameStudy = one(db, 'SELECT subspecialty FROM cases WHERE study_uid = ? LIMIT 1', studyUid);
  const samePatient = summary
    ? one(db, 'SELECT subspecialty FROM cases WHERE patient_id = ? LIMIT 1', summary.patientId)
    : undefined;
  const subspecialty = sameStudy ?? samePatient;
  return {
    description: summary?.description ?? '',
    modality: summary?.modalities[0] ?? 'unknown',
    bodyPart: summary?.bodyPart || 'unknown',
    subspecialty: subspecialty ? str(subspecialty, 'subspecialty') : 'unassigned',
  };
}

export async function resolveItem(
  db: Db,
  catalog: StudyCatalog,
  itemId: string,
): Promise<ResolvedItem | null> {
  const [kindPrefix, id] = itemId.split(':') as [string, string];
  let first: StoredRead | null;
  let second: StoredRead | null = null;
  let kind: QaQueueItem['kind'];
  let concordance: QaQueueItem['concordance'] = null;
  let urgent = false;
  let concordanceComment: string | null = null;
  if (kindPrefix === 'pair') {
    const pair = one(db, 'SELECT * FROM discordant_pairs WHERE pair_id = ?', id);
    if (!pair) return null;
    first = readOf(db, str(pair, 'first_report_id'));
    second = readOf(db, str(pair, 'second_report_id'));
    kind = 'discordant-pair';
  } else if (kindPrefix === 'concordance') {
    const c = concordanceOf(db, id);
    const row = one(db, 'SELECT * FROM qa_concordance WHERE case_id = ?', id);
    if (!c || !row || c.concordance === 'agree') return null;
    first = readOf(db, str(row, 'original_report_id'));
    second = ownReadOfCase(db, id, str(row, 'user_id'));
    kind = 'concordance';
    concordance = c.concordance;
    urgent = c.urgent;
    concordanceComment = c.comment;
  } else if (kindPrefix === 'peer') {
    first = sampledReads(db).find((r) => r.reportId === id) ?? null;
    kind = 'peer-review';
  } else {
    return null;
  }
  if (!first) return null;
  const review = reviewOfItem(db, itemId);
  return {
    item: {
      itemId,
      kind,
      studyInstanceUid: first.studyUid,
      ...(await describeStudy(db, catalog, first.studyUid)),
      concordance,
      urgent,
      score: review?.score ?? null,
    },
    first,
    second,
    concordanceComment,
  };
}

/**
 * The studies of the QA queue's items (discordant pairs, second readers' discordances, peer-review
 * samples): what a QA reviewer may open, images and cases, and nothing else.
 */
export function studiesUnderQaReview(db: Db): Set<string> {
  const out = new Set<string>();
  for (const r of all(db, 'SELECT DISTINCT study_uid FROM discordant_pairs'))
    out.add(str(r, 'study_uid'));
  for (const r of all(
    db,
    `SELECT c.study_uid FROM qa_concordance q JOIN cases c ON c.case_id = q.case_id
      WHERE q.concordance <> 'agree'`,
  ))
    out.add(str(r, 'study_uid'));
  for (const r of sampledReads(db)) out.add(r.studyUid);
  return out;
}

/**
 * The case a QA reviewer opens to see a study under review: the study's own case, else a case of
 * the same patient (the study is one of its priors, as for a discordant pair on a prior).
 */
export async function reviewCaseOf(
  db: Db,
  catalog: StudyCatalog,
  studyUid: string,
): Promise<string | null> {
  const own = one(
    db,
    "SELECT case_id FROM cases WHERE study_uid = ? AND status <> 'cancelled' LIMIT 1",
    studyUid,
  );
  if (own) return str(own, 'case_id');
  const summary = await catalog.summary(studyUid);
  if (!summary?.patientId) return null;
  const samePatient = one(
    db,
    "SELECT case_id FROM cases WHERE patient_id = ? AND status <> 'cancelled' ORDER BY due_at LIMIT 1",
    summary.patientId,
  );
  return samePatient ? str(samePatient, 'case_id') : null;
}

export function queueItemIds(db: Db): string[] {
  const pairs = all(db, 'SELECT pair_id FROM discordant_pairs ORDER BY pair_id').map(
    (r) => `pair:${str(r, 'pair_id')}`,
  );
  const discordant = all(
    db,
    "SELECT case_id FROM qa_concordance WHERE concordance <> 'agree' ORDER BY recorded_at",
  ).map((r) => `concordance:${str(r, 'case_id')}`);
  const peer = sampledReads(db).map((r) => `peer:${r.reportId}`);
  return [...pairs, ...discordant, ...peer];
}

export async function queue(db: Db, catalog: StudyCatalog): Promise<QaQueueItem[]> {
  const out: QaQueueItem[] = [];
  for (const id of queueItemIds(db)) {
    const resolved = await resolveItem(db, catalog, id);
    if (resolved) out.push(resolved.item);
  }
  // urgent first, then unreviewed before reviewed
  return out.sort(
    (a, b) =>
      Number(b.urgent) - Number(a.urgent) || Number(a.score !== null) - Number(b.score !== null),
  );
}

function statRow(key: string, scores: RadpeerScore[]): QaStatRow {
  const total = scores.length;
  const prop = (count: number) => {
    const w = wilsonInterval(count, total);
    return { count, rate: w.rate, low: w.low, high: w.high };
  };
  const byScore = Object.fromEntries(
    RadpeerScore.options.map((s) => [s, prop(scores.filter((x) => x === s).length)]),
  ) as QaStatRow['scores'];
  return {
    key,
    reviewed: total,
    discordant: prop(scores.filter(isRadpeerDiscrepancy).length),
    scores: byScore,
  };
}

/** Rates of RADPEER scores and of discordance (2 or 3), overall and per dimension. */
export async function statistics(
  db: Db,
  catalog: StudyCatalog,
  withReaders: boolean,
): Promise<QaStatsResponse> {
  const facts: Array<{ score: RadpeerScore; keys: Record<StatDimension, string> }> = [];
  for (const r of allReviews(db)) {
    const resolved = await resolveItem(db, catalog, r.itemId);
    if (!resolved) continue;
    facts.push({
      score: r.score,
      keys: {
        modality: resolved.item.modality,
        bodyPart: resolved.item.bodyPart,
        subspecialty: resolved.item.subspecialty,
        reader: resolved.first.authorDisplayName,
        month: resolved.first.signedAt.slice(0, 7),
      },
    });
  }
  const dimensions: StatDimension[] = ['modality', 'bodyPart', 'subspecialty', 'month'];
  if (withReaders) dimensions.splice(3, 0, 'reader');
  return {
    total: statRow(
      'all',
      facts.map((f) => f.score),
    ),
    groups: dimensions.map((dimension) => {
      const keys = [...new Set(facts.map((f) => f.keys[dimension]))].sort();
      return {
        dimension,
        rows: keys.map((k) =>
          statRow(
            k,
            facts.filter((f) => f.keys[dimension] === k).map((f) => f.score),
          ),
        ),
      };
    }),
  };
}
