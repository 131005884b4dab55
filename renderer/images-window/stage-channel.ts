import { z } from 'zod';
import type { HungStage } from '../../shared/hanging/apply-protocol.ts';
import type { ShellHostLink } from '../../shared/ipc/shell-link.ts';
import { getHost } from '../host/get-host.ts';
import type { StageChoice } from './second-display.ts';

/**
 * How images windows follow the reading window's hanging-protocol stage: a BroadcastChannel of
 * the renderer's origin (every window of the app in Electron, every tab in a browser). The
 * reading window announces each stage it hangs; an images window opened later asks, and the
 * reading window answers with its last stage for that case. Messages are checked on arrival.
 * In Electron the reading window also asks main for an images window on the second display
 * when a stage has viewports there (main opens one, or tells the one open).
 */
const CHANNEL = 'tandem-hanging-stage';

const StageMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('stage'),
    caseId: z.string(),
    protocolId: z.string(),
    stageIndex: z.number().int().min(0),
  }),
  z.object({ type: z.literal('ask'), caseId: z.string() }),
]);
type StageMessage = z.infer<typeof StageMessage>;

/** The last stage this window hung, per case (answers to windows that ask). */
const announced = new Map<string, StageChoice>();
let channel: BroadcastChannel | null = null;

function openChannel(): BroadcastChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null;
  if (!channel) {
    channel = new BroadcastChannel(CHANNEL);
    channel.addEventListener('message', (event: MessageEvent) => {
      const parsed = StageMessage.safeParse(event.data);
      if (!parsed.success || parsed.data.type !== 'ask') return;
      const last = announced.get(parsed.data.caseId);
      if (last) post({ type: 'stage', caseId: parsed.data.caseId, ...last });
    });
  }
  return channel;
}

function post(message: StageMessage): void {
  openChannel()?.postMessage(message);
}

/** The reading window hung this stage of the case; `shell`: the desktop shell's link, if any. */
export function announceStage(
  caseId: string,
  stage: HungStage,
  shell: ShellHostLink | null | undefined = getHost().shell,
): void {
  const choice: StageChoice = { protocolId: stage.protocolId, stageIndex: stage.stageIndex };
  announced.set(caseId, choice);
  post({ type: 'stage', caseId, ...choice });
  const viewports = (stage.secondDisplay?.viewports ?? []).flatMap((v) =>
    v ? [{ seriesInstanceUid: v.seriesInstanceUid }] : [],
  );
  if (shell && viewports.length > 0) {
    shell.tell({ type: 'place-viewports', display: 1, caseId, viewports: viewports.slice(0, 16) });
  }
}

/** An images window: `listener` hears each stage the reading window hangs for the case. */
export function followStage(caseId: string, listener: (choice: StageChoice) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  // a channel of its own: a window never hears its own messages on it, and this one must hear
  // the reading window's answers
  const own = new BroadcastChannel(CHANNEL);
  own.addEventListener('message', (event: MessageEvent) => {
    const parsed = StageMessage.safeParse(event.data);
    if (!parsed.success || parsed.data.type !== 'stage' || parsed.data.caseId !== caseId) return;
    listener({ protocolId: parsed.data.protocolId, stageIndex: parsed.data.stageIndex });
  });
  own.postMessage({ type: 'ask', caseId } satisfies StageMessage);
  return () => own.close();
}
