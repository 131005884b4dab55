import { ReportContent } from '../../shared/report/document.ts';

/**
 * How windows of Tandem open on the same case keep one draft: a window that saves a change tells
 * the others (a BroadcastChannel of this origin, in memory only), and they take it as their own,
 * so a window still showing an older draft never saves it over the newer one.
 */
const CHANNEL = 'tandem-drafts';
const WINDOW_ID = crypto.randomUUID();

interface DraftMessage {
  from: string;
  caseId: string;
  report: unknown;
}

let channel: BroadcastChannel | null | undefined;

function openChannel(): BroadcastChannel | null {
  if (channel === undefined) {
    channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
  }
  return channel;
}

/** Tells the other windows this window saved the draft of a case. */
export function announceDraft(caseId: string, report: ReportContent): void {
  const message: DraftMessage = { from: WINDOW_ID, caseId, report };
  openChannel()?.postMessage(message);
}

/** Calls `onDraft` with the draft of this case whenever another window saves it; returns the stop. */
export function followDraft(caseId: string, onDraft: (report: ReportContent) => void): () => void {
  const ch = openChannel();
  if (!ch) return () => {};
  const onMessage = (event: MessageEvent<DraftMessage>) => {
    const m = event.data;
    if (m.from === WINDOW_ID || m.caseId !== caseId) return;
    const parsed = ReportContent.safeParse(m.report);
    if (parsed.success) onDraft(parsed.data);
  };
  ch.addEventListener('message', onMessage);
  return () => ch.removeEventListener('message', onMessage);
}
