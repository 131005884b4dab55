import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  PeerReviewRate,
  QaItemDetail,
  QaQueueItem,
  QaReview,
  QaStatsResponse,
  StatDimension,
  User,
} from '../../shared/api/contract.ts';
import {
  DISCREPANCY_CATEGORY_LABEL,
  DiscrepancyCategory,
  RADPEER_SCALE,
  type RadpeerScore,
} from '../../shared/domain/radpeer.ts';
import { useServices } from '../app/services.ts';
import { ReportComparison } from '../second-opinion/ReportComparison.tsx';
import { QaImages } from './QaImages.tsx';
import { ErrorLine, LoadStatus, useLoad, useSubmit } from './remote-state.tsx';
import { StatsChart } from './StatsChart.tsx';
import { statsCsv } from './stats-csv.ts';
import './qa.css';

type Tab = 'queue' | 'stats' | 'mine' | 'rates';

/**
 * QA: the reviewer's queue of discordant pairs and peer-review samples with RADPEER scoring, the
 * statistics dashboard, the reader's own reviews (their notifications) and, for administrators,
 * the peer-review sampling rates.
 */
export default function QaScreen({ user }: { user: User }) {
  const isQa = user.role === 'qa-reviewer' || user.role === 'admin';
  const tabs: Tab[] = isQa ? ['queue', 'stats', 'mine'] : ['mine', 'stats'];
  if (user.role === 'admin') tabs.push('rates');
  const [tab, setTab] = useState<Tab>(tabs[0]!);
  const labels: Record<Tab, string> = {
    queue: 'Queue',
    stats: 'Statistics',
    mine: 'Reviews of my reads',
    rates: 'Peer-review rates',
  };
  return (
    <main className="qa-screen" data-testid="qa-screen">
      <nav className="qa-tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            data-testid={`qa-tab-${t}`}
            onClick={() => setTab(t)}
          >
            {labels[t]}
          </button>
        ))}
      </nav>
      {tab === 'queue' && <QaQueue isAdmin={user.role === 'admin'} />}
      {tab === 'stats' && <QaDashboard />}
      {tab === 'mine' && <MyReviews />}
      {tab === 'rates' && <PeerReviewRates />}
    </main>
  );
}

const KIND_LABEL: Record<QaQueueItem['kind'], string> = {
  'discordant-pair': 'Discordant pair',
  concordance: 'Second-opinion discordance',
  'peer-review': 'Random peer review',
};

function QaQueue({ isAdmin }: { isAdmin: boolean }) {
  const { api } = useServices();
  const { data, error, reload } = useLoad(useCallback(() => api.qaQueue(), [api]));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div className="qa-queue-layout">
      <section>
        <ErrorLine error={error} />
        <table className="qa-queue" data-testid="qa-queue">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Study</th>
              <th>Modality</th>
              <th>Subspecialty</th>
              <th>RADPEER</th>
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((i) => (
              <tr
                key={i.itemId}
                data-testid="qa-row"
                data-item-id={i.itemId}
                data-kind={i.kind}
                data-score={i.score ?? ''}
                aria-selected={open === i.itemId}
                tabIndex={0}
                onClick={() => setOpen(i.itemId)}
                onKeyDown={(e) => e.key === 'Enter' && setOpen(i.itemId)}
              >
                <td>
                  {KIND_LABEL[i.kind]}
                  {i.urgent && <strong className="qa-urgent"> urgent</strong>}
                  {i.concordance && <span className="muted"> ({i.concordance})</span>}
                </td>
                <td>{i.description}</td>
                <td>
                  {i.modality} · {i.bodyPart}
                </td>
                <td>{i.subspecialty}</td>
                <td>{i.score ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {open && <QaItemView key={open} itemId={open} isAdmin={isAdmin} onReviewed={reload} />}
    </div>
  );
}

function QaItemView(props: { itemId: string; isAdmin: boolean; onReviewed: () => void }) {
  const { api } = useServices();
  const { itemId, isAdmin, onReviewed } = props;
  const { data, error, reload } = useLoad(useCallback(() => api.qaItem(itemId), [api, itemId]));
  if (error || !data) return <LoadStatus error={error} loading="Opening…" />;
  return (
    <section className="qa-item" data-testid="qa-item" data-item-id={itemId}>
      <h3>{KIND_LABEL[data.item.kind]}</h3>
      {data.concordanceComment && (
        <p>
          Second reader’s comment: <q>{data.concordanceComment}</q>
        </p>
      )}
      {data.caseId ? (
        <QaImages caseId={data.caseId} detail={data} />
      ) : (
        <p className="muted">No case on this workstation's server shows this study's images.</p>
      )}
      {data.second ? (
        <ReportComparison
          first={{ title: `First read · ${data.first.authorDisplayName}`, text: data.first.text }}
          second={{
            title: `Second read · ${data.second.authorDisplayName}`,
            text: data.second.text,
          }}
        />
      ) : (
        <pre className="report-text comparison-text" data-testid="comparison-first">
          {data.first.text}
        </pre>
      )}
      {data.review ? (
        <ReviewView review={data.review} isAdmin={isAdmin} onChanged={reload} />
      ) : (
        <ReviewForm
          detail={data}
          onDone={() => {
            reload();
            onReviewed();
          }}
        />
      )}
    </section>
  );
}

function ReviewView({
  review,
  isAdmin,
  onChanged,
}: {
  review: QaReview;
  isAdmin: boolean;
  onChanged: () => void;
}) {
  const { api } = useServices();
  return (
    <div className="qa-review" data-testid="qa-review" data-score={review.score}>
      <p>
        <strong>RADPEER {review.score}</strong>
        {review.category && ` · ${DISCREPANCY_CATEGORY_LABEL[review.category]}`} · by{' '}
        {review.reviewer ?? 'an anonymous reviewer'}
        {review.revealed && ' (revealed to the reader)'}
      </p>
      {review.note && <p>{review.note}</p>}
      {review.response && (
        <p>
          Reader’s response: <q>{review.response}</q>
        </p>
      )}
      {isAdmin && !review.revealed && (
        <button
          type="button"
          data-testid="qa-reveal"
          onClick={() => void api.revealReviewer(review.reviewId).then(onChanged)}
        >
          Reveal the reviewer to the reader
        </button>
      )}
    </div>
  );
}

function ReviewForm({ detail, onDone }: { detail: QaItemDetail; onDone: () => void }) {
  const { api } = useServices();
  const [score, setScore] = useState<RadpeerScore | ''>('');
  const [category, setCategory] = useState<DiscrepancyCategory | ''>('');
  const [note, setNote] = useState('');
  const { busy, error, run } = useSubmit();
  const needsCategory = score !== '' && score !== '1';

  async function submit() {
    if (score === '') return;
    await run(async () => {
      await api.reviewQaItem(detail.item.itemId, {
        score,
        category: needsCategory && category !== '' ? category : null,
        note,
      });
      onDone();
    });
  }

  return (
    <form
      className="qa-review-form"
      data-testid="qa-review-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset data-testid="radpeer-score">
        <legend>RADPEER score of the first read</legend>
        {RADPEER_SCALE.map((d) => (
          <label key={d.score} title={d.definition}>
            <input
              type="radio"
              name="radpeer"
              value={d.score}
              checked={score === d.score}
              onChange={() => setScore(d.score)}
            />{' '}
            <strong>{d.score}</strong> <span className="small">{d.definition}</span>
          </label>
        ))}
      </fieldset>
      <label>
        Discrepancy category{' '}
        <select
          data-testid="discrepancy-category"
          value={category}
          disabled={!needsCategory}
          onChange={(e) => setCategory(e.target.value as DiscrepancyCategory | '')}
        >
          <option value="">—</option>
          {DiscrepancyCategory.options.map((c) => (
            <option key={c} value={c}>
              {DISCREPANCY_CATEGORY_LABEL[c]}
            </option>
          ))}
        </select>
      </label>
      <textarea
        aria-label="Adjudication note"
        placeholder="Adjudication note"
        value={note}
        maxLength={4000}
        onChange={(e) => setNote(e.target.value)}
      />
      <button
        type="submit"
        data-testid="qa-submit-review"
        disabled={busy || score === '' || (needsCategory && category === '')}
      >
        Save review
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

const DIMENSION_LABEL: Record<StatDimension, string> = {
  modality: 'Modality',
  bodyPart: 'Body part',
  subspecialty: 'Subspecialty',
  reader: 'Reader',
  month: 'Month',
};

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function QaDashboard() {
  const { api } = useServices();
  const { data, error } = useLoad(useCallback(() => api.qaStats(), [api]));
  const [dimension, setDimension] = useState<StatDimension>('modality');
  const csvHref = useMemo(
    () => (data ? URL.createObjectURL(new Blob([statsCsv(data)], { type: 'text/csv' })) : null),
    [data],
  );
  useEffect(() => () => void (csvHref && URL.revokeObjectURL(csvHref)), [csvHref]);
  if (error || !data) return <LoadStatus error={error} loading="Counting…" />;
  const group = data.groups.find((g) => g.dimension === dimension) ?? data.groups[0];
  return (
    <section className="qa-dashboard" data-testid="qa-dashboard">
      <div className="qa-dashboard-bar">
        <label>
          By{' '}
          <select
            data-testid="qa-stat-dimension"
            value={group?.dimension}
            onChange={(e) => setDimension(e.target.value as StatDimension)}
          >
            {data.groups.map((g) => (
              <option key={g.dimension} value={g.dimension}>
                {DIMENSION_LABEL[g.dimension]}
              </option>
            ))}
          </select>
        </label>
        {csvHref && (
          <a href={csvHref} download="tandem-qa-statistics.csv" data-testid="qa-export-csv">
            Export CSV
          </a>
        )}
      </div>
      <StatsTable
        stats={data}
        rows={group?.rows ?? []}
        dimension={group?.dimension ?? 'modality'}
      />
      <StatsChart rows={group?.rows ?? []} />
    </section>
  );
}

function StatsTable({
  stats,
  rows,
  dimension,
}: {
  stats: QaStatsResponse;
  rows: QaStatsResponse['total'][];
  dimension: StatDimension;
}) {
  const line = (r: QaStatsResponse['total'], testId: string, dim: string) => (
    <tr key={`${dim}-${r.key}`} data-testid={testId} data-dimension={dim} data-key={r.key}>
      <th scope="row">{r.key}</th>
      <td data-testid="stat-reviewed">{r.reviewed}</td>
      <td data-testid="stat-discordant">{r.discordant.count}</td>
      <td data-testid="stat-rate">{pct(r.discordant.rate)}</td>
      <td data-testid="stat-ci">
        {pct(r.discordant.low)} – {pct(r.discordant.high)}
      </td>
      {RADPEER_SCALE.map((d) => (
        <td key={d.score} data-testid={`stat-score-${d.score}`}>
          {r.scores[d.score].count}
        </td>
      ))}
    </tr>
  );
  return (
    <table className="qa-stats" data-testid="qa-stats">
      <thead>
        <tr>
          <th>{DIMENSION_LABEL[dimension]}</th>
          <th>Reviewed</th>
          <th>Discordant</th>
          <th>Rate</th>
          <th>95 % CI</th>
          {RADPEER_SCALE.map((d) => (
            <th key={d.score} title={d.definition}>
              {d.score}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {line(stats.total, 'qa-stat-total', 'all')}
        {rows.map((r) => line(r, 'qa-stat-row', dimension))}
      </tbody>
    </table>
  );
}

function MyReviews() {
  const { api } = useServices();
  const { data, error, reload } = useLoad(useCallback(() => api.myReviews(), [api]));
  if (error || !data) return <LoadStatus error={error} loading="Loading…" />;
  return (
    <section data-testid="qa-notifications">
      {data.reviews.length === 0 && <p className="muted">No reviews of your reads.</p>}
      {data.reviews.map((r) => (
        <div
          key={r.reviewId}
          className="qa-notification"
          data-testid="qa-notification"
          data-score={r.score}
        >
          <ReviewView review={r} isAdmin={false} onChanged={reload} />
          {!r.response && <ResponseForm reviewId={r.reviewId} onDone={reload} />}
        </div>
      ))}
    </section>
  );
}

function ResponseForm({ reviewId, onDone }: { reviewId: string; onDone: () => void }) {
  const { api } = useServices();
  const [text, setText] = useState('');
  const { busy, error, run } = useSubmit();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await api.respondToReview(reviewId, text);
          onDone();
        });
      }}
    >
      <textarea aria-label="Your response" value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit" disabled={busy || text.trim() === ''}>
        Respond
      </button>
      <ErrorLine error={error} />
    </form>
  );
}

function PeerReviewRates() {
  const { api } = useServices();
  const { data, error, reload } = useLoad(useCallback(() => api.peerReviewRates(), [api]));
  if (error || !data) return <LoadStatus error={error} loading="Loading…" />;
  return (
    <table data-testid="qa-rates">
      <tbody>
        {data.rates.map((r) => (
          <RateRow key={r.userId} rate={r} onSaved={reload} />
        ))}
      </tbody>
    </table>
  );
}

function RateRow({ rate, onSaved }: { rate: PeerReviewRate; onSaved: () => void }) {
  const { api } = useServices();
  const [value, setValue] = useState(String(Math.round(rate.rate * 100)));
  const { busy, error, run } = useSubmit();
  return (
    <tr>
      <th scope="row">{rate.displayName}</th>
      <td>
        <input
          type="number"
          min={0}
          max={100}
          aria-label={`Peer-review rate of ${rate.displayName}, percent`}
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />{' '}
        %
      </td>
      <td>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void run(async () => {
              await api.setPeerReviewRate({
                userId: rate.userId,
                rate: Math.min(1, Math.max(0, Number(value) / 100)),
              });
              onSaved();
            })
          }
        >
          Save
        </button>
        <ErrorLine error={error} />
      </td>
    </tr>
  );
}
