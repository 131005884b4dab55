import type { Display, Rectangle, Screen } from 'electron';
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Logger } from './logger.ts';

/** What main reads of a display (a real Electron `Display` satisfies it). */
export type ScreenDisplay = Pick<
  Display,
  'id' | 'bounds' | 'workArea' | 'scaleFactor' | 'colorDepth' | 'size' | 'label' | 'internal'
>;

/** The part of Electron's `screen` main uses. */
export interface ScreenPort {
  getAllDisplays(): ScreenDisplay[];
  getPrimaryDisplay(): ScreenDisplay;
  on(event: 'display-added', listener: (event: unknown, display: ScreenDisplay) => void): unknown;
  on(event: 'display-removed', listener: (event: unknown, display: ScreenDisplay) => void): unknown;
}
type _ScreenFits = Screen extends ScreenPort ? true : never;
const _screenFits: _ScreenFits = true;
void _screenFits;

/** A window's job: worklist and report, or images (the diagnostic displays). */
export const WindowRole = z.enum(['worklist', 'images']);
export type WindowRole = z.infer<typeof WindowRole>;

const Bounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});

/** One window of an arrangement: its role, the display it belongs on, where on it. */
export const WindowPlacement = z.object({
  role: WindowRole,
  displayId: z.number(),
  bounds: Bounds.optional(),
});
export type WindowPlacement = z.infer<typeof WindowPlacement>;

/** Placements per display arrangement, as kept in `<userData>/window-layout.json`. */
export const LayoutFile = z.record(z.string(), z.array(WindowPlacement).max(16));
export type LayoutFile = z.infer<typeof LayoutFile>;

/**
 * Names a set of displays: their ids and bounds, order-independent. The same monitors in the
 * same places give the same key (the office workstation), another set another (the laptop
 * alone), so each arrangement remembers its own windows.
 */
export function arrangementKey(displays: readonly ScreenDisplay[]): string {
  return [...displays]
    .sort((a, b) => a.id - b.id)
    .map((d) => `${d.id}@${d.bounds.x},${d.bounds.y},${d.bounds.width}x${d.bounds.height}`)
    .join('|');
}

/**
 * Displays as the user counts them: the primary first, then left to right, top to bottom.
 * "Display 1" of a hanging protocol is index 1 here.
 */
export function orderedDisplays(
  displays: readonly ScreenDisplay[],
  primaryId: number,
): ScreenDisplay[] {
  return [...displays].sort((a, b) => {
    if (a.id === primaryId) return -1;
    if (b.id === primaryId) return 1;
    return a.bounds.x - b.bounds.x || a.bounds.y - b.bounds.y;
  });
}

/** True when at least a quarter of `bounds` lies on `display`. */
export function isMostlyOn(bounds: Rectangle, display: ScreenDisplay): boolean {
  const a = display.bounds;
  const w = Math.max(0, Math.min(a.x + a.width, bounds.x + bounds.width) - Math.max(a.x, bounds.x));
  const h = Math.max(
    0,
    Math.min(a.y + a.height, bounds.y + bounds.height) - Math.max(a.y, bounds.y),
  );
  return w * h * 4 >= bounds.width * bounds.height;
}

/** Where a window of this placement goes: its remembered bounds if they still fit, else the display's work area. */
export function boundsOn(display: ScreenDisplay, remembered?: Rectangle): Rectangle {
  if (remembered && isMostlyOn(remembered, display)) return remembered;
  return { ...display.workArea };
}

/** The layout file: read (missing or invalid: empty, with a warning for invalid) and written atomically. */
export interface LayoutStore {
  load(): Promise<LayoutFile>;
  save(layout: LayoutFile): Promise<void>;
}

export function layoutFileAt(file: string, log: Logger): LayoutStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch {
        return {};
      }
      try {
        const parsed = LayoutFile.safeParse(JSON.parse(text));
        if (parsed.success) return parsed.data;
      } catch {
        // fall through
      }
      log.warn('the remembered window layout is not valid; starting from the default');
      return {};
    },
    async save(layout) {
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, JSON.stringify(layout, null, 2));
      await rename(temporary, file);
    },
  };
}
