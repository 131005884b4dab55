import { z } from 'zod';
import { READING_SHORTCUT_IDS } from './reading-shortcuts.ts';

/**
 * Messages between the desktop shell (Electron's main process) and a page, beyond HostBridge
 * calls and the sync link. Both directions are validated with these schemas on both sides.
 */

/** A case id as routes and deep links carry it. */
export const CaseId = z.string().regex(/^[A-Za-z0-9-]{1,128}$/);

/** Which display, by its position in the shell's list (0: the primary, 1: the second...). */
export const DisplayIndex = z.number().int().min(0).max(15);

/** Series a hanging-protocol stage puts on another display, in viewport order. */
export const ViewportPlacement = z.object({
  seriesInstanceUid: z.string().regex(/^[0-9.]{1,64}$/),
});
export type ViewportPlacement = z.infer<typeof ViewportPlacement>;

/** main → page */
export const ShellToPage = z.discriminatedUnion('type', [
  /** the idle lock (or the OS screen lock) engaged: cover the screen until the password is given */
  z.object({ type: z.literal('lock') }),
  /** a deep link (tandem://case/<id>) or the shell asks to open this case */
  z.object({ type: z.literal('open-case'), caseId: CaseId }),
  /** a reading command chosen in the native menu */
  z.object({ type: z.literal('shortcut'), id: z.enum(READING_SHORTCUT_IDS) }),
  /** this window is an images window: show these viewports of the case */
  z.object({
    type: z.literal('show-viewports'),
    caseId: CaseId,
    viewports: z.array(ViewportPlacement).min(1).max(16),
  }),
]);
export type ShellToPage = z.infer<typeof ShellToPage>;

/** page → main */
export const PageToShell = z.discriminatedUnion('type', [
  /** the page listens now: main sends what waited for it (a deep link given at launch) */
  z.object({ type: z.literal('ready') }),
  /** the user gave the password again: the lock is lifted */
  z.object({ type: z.literal('unlocked') }),
  /** a hanging-protocol stage wants these viewports on display N (an images window there) */
  z.object({
    type: z.literal('place-viewports'),
    display: DisplayIndex,
    caseId: CaseId,
    viewports: z.array(ViewportPlacement).min(1).max(16),
  }),
]);
export type PageToShell = z.infer<typeof PageToShell>;

/** The page's end: what main says, and what the page tells main. */
export interface ShellHostLink {
  /** Every message from main goes to `listener`; returns the function that stops listening. */
  listen(listener: (message: ShellToPage) => void): () => void;
  tell(message: PageToShell): void;
}
