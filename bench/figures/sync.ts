// The sync figures' place. They need the sync worker and the `tandem:` image loader in the
// renderer; until those are wired the table says so instead of showing a number.
import type { SyncSettled } from '../browser/session.ts';
import { unmeasuredFigure, type Figure } from '../figure.ts';

export const SYNC_NOT_WIRED = 'sync worker not wired';

const CASE_READY = {
  id: 'sync.case-ready',
  title: 'Sync: CT case ready offline (384 instances)',
  goal: {
    text: '≥ 0.8 × fetch-only',
    source: 'FIELD-NOTES: Blob storage reached 0.78–0.87 of a fetch-only baseline',
  },
};

/**
 * What will be measured here (each beside a baseline in the same run):
 * - a CT case made ready offline: every instance fetched, verified and stored in IndexedDB,
 *   against a fetch-only download of the same bytes by a bare page;
 * - the first image and scrolling read from the local cache through the `tandem:` loader. Once
 *   the worklist shows sync progress (`data-sync-state` other than `ready`), the harness waits
 *   for the sync to settle before the viewer figures, so those figures already read from the
 *   local cache and only the sync's own figure is missing.
 */
export function syncFigures(sync: SyncSettled | null): Figure[] {
  if (sync?.wired) {
    const seconds = (sync.ms / 1000).toFixed(0);
    return [
      unmeasuredFigure(
        CASE_READY.id,
        CASE_READY.title,
        `its fetch-only baseline is not written (the reader's cases were ready ${seconds} s after sign-in)`,
        CASE_READY.goal,
      ),
    ];
  }
  return [
    unmeasuredFigure(CASE_READY.id, CASE_READY.title, SYNC_NOT_WIRED, CASE_READY.goal),
    unmeasuredFigure(
      'sync.first-image-local',
      'First image, CT chest, from the local cache',
      SYNC_NOT_WIRED,
      {
        text: '< 1,000 ms',
        source: 'ARCHITECTURE.md: first image in under a second from local cache',
      },
    ),
    unmeasuredFigure(
      'sync.scroll-local',
      'Scroll, CT images from the local cache',
      SYNC_NOT_WIRED,
      {
        text: '≥ 30 images/s',
        source: 'FIELD-NOTES: half the refresh rate',
      },
    ),
  ];
}
