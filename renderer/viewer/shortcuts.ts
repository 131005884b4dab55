/**
 * The reading shortcuts: every viewer action, its default key, and the user's own keys (saved in
 * the workstation settings). A key is written as the browser names it (`KeyboardEvent.key`), with
 * `Ctrl+`, `Alt+` prefixes, and `Shift+` only for named keys (a shifted character is its own key:
 * `?`, `H`).
 */
import { HANGING_SHORTCUTS } from '../hanging/hanging-shortcuts.ts';

export interface ShortcutAction {
  id: string;
  label: string;
  keys: readonly string[];
}

const presetActions: ShortcutAction[] = Array.from({ length: 9 }, (_, i) => ({
  id: `preset-${i + 1}`,
  label: `Window preset ${i + 1}`,
  keys: [String(i + 1)],
}));

export const SHORTCUT_ACTIONS: readonly ShortcutAction[] = [
  { id: 'next-image', label: 'Next image', keys: ['ArrowDown', 'ArrowRight'] },
  { id: 'prev-image', label: 'Previous image', keys: ['ArrowUp', 'ArrowLeft'] },
  { id: 'page-down', label: '10 images forward', keys: ['PageDown'] },
  { id: 'page-up', label: '10 images back', keys: ['PageUp'] },
  { id: 'first-image', label: 'First image', keys: ['Home'] },
  { id: 'last-image', label: 'Last image', keys: ['End'] },
  { id: 'cine', label: 'Cine play / stop', keys: ['c'] },
  { id: 'cine-faster', label: 'Cine faster', keys: ['.'] },
  { id: 'cine-slower', label: 'Cine slower', keys: [','] },
  ...presetActions,
  { id: 'preset-auto', label: 'Window from the image header', keys: ['0'] },
  { id: 'reset', label: 'Reset view', keys: ['r'] },
  { id: 'zoom-in', label: 'Zoom in', keys: ['+', '='] },
  { id: 'zoom-out', label: 'Zoom out', keys: ['-'] },
  { id: 'fit', label: 'Fit to viewport', keys: ['f'] },
  { id: 'actual-size', label: 'Actual size (1 image pixel : 1 screen pixel)', keys: ['F'] },
  { id: 'pan-left', label: 'Pan left', keys: ['Shift+ArrowLeft'] },
  { id: 'pan-right', label: 'Pan right', keys: ['Shift+ArrowRight'] },
  { id: 'pan-up', label: 'Pan up', keys: ['Shift+ArrowUp'] },
  { id: 'pan-down', label: 'Pan down', keys: ['Shift+ArrowDown'] },
  { id: 'flip-h', label: 'Flip horizontally', keys: ['h'] },
  { id: 'flip-v', label: 'Flip vertically', keys: ['H'] },
  { id: 'rotate', label: 'Rotate 90° clockwise', keys: ['t'] },
  { id: 'invert', label: 'Invert', keys: ['i'] },
  { id: 'tool-wl', label: 'Mouse: window/level', keys: ['w'] },
  { id: 'tool-length', label: 'Mouse: length', keys: ['l'] },
  { id: 'tool-bidirectional', label: 'Mouse: bidirectional', keys: ['b'] },
  { id: 'tool-ellipse', label: 'Mouse: ellipse ROI', keys: ['e'] },
  { id: 'tool-circle', label: 'Mouse: circle ROI', keys: ['o'] },
  { id: 'tool-probe', label: 'Mouse: probe', keys: ['p'] },
  { id: 'tool-angle', label: 'Mouse: angle', keys: ['a'] },
  { id: 'tool-cobb', label: 'Mouse: Cobb angle', keys: ['A'] },
  { id: 'tool-arrow', label: 'Mouse: arrow with text', keys: ['n'] },
  { id: 'key-measure', label: 'Keyboard length (arrows move, Enter keeps)', keys: ['L'] },
  { id: 'layout-1x1', label: 'Layout 1×1', keys: ['Alt+1'] },
  { id: 'layout-1x2', label: 'Layout 1×2', keys: ['Alt+2'] },
  { id: 'layout-2x1', label: 'Layout 2×1', keys: ['Alt+3'] },
  { id: 'layout-2x2', label: 'Layout 2×2', keys: ['Alt+4'] },
  { id: 'layout-1x3', label: 'Layout 1×3', keys: ['Alt+5'] },
  { id: 'layout-3x3', label: 'Layout 3×3', keys: ['Alt+6'] },
  { id: 'layout-cycle', label: 'Next layout', keys: ['g'] },
  { id: 'maximize', label: 'Maximize viewport / back', keys: ['m'] },
  { id: 'next-viewport', label: 'Next viewport', keys: ['v'] },
  { id: 'prev-viewport', label: 'Previous viewport', keys: ['V'] },
  { id: 'next-series', label: 'Next series', keys: [']'] },
  { id: 'prev-series', label: 'Previous series', keys: ['['] },
  { id: 'toggle-link', label: 'Link / unlink viewports', keys: ['k'] },
  { id: 'mpr', label: 'MPR (axial, sagittal, coronal) of the CT / back', keys: ['M'] },
  { id: 'mip-slab', label: 'MPR: MIP slab 5, 10, 20 mm, off', keys: ['I'] },
  { id: 'tool-crosshairs', label: 'MPR mouse: crosshairs', keys: ['x'] },
  { id: 'reference-lines', label: 'Reference lines on / off', keys: ['R'] },
  { id: 'scale-bar', label: 'Scale bar on / off', keys: ['B'] },
  ...HANGING_SHORTCUTS,
  { id: 'help', label: 'Show the shortcuts', keys: ['?'] },
  { id: 'worklist', label: 'Back to the worklist', keys: ['Escape'] },
];

/** action id → keys; the user's keys replace an action's defaults. */
export type ShortcutMap = Readonly<Record<string, readonly string[]>>;

export function defaultShortcutMap(): ShortcutMap {
  return Object.fromEntries(SHORTCUT_ACTIONS.map((a) => [a.id, a.keys]));
}

export function withOverrides(overrides: ShortcutMap): ShortcutMap {
  const map: Record<string, readonly string[]> = { ...defaultShortcutMap() };
  for (const [id, keys] of Object.entries(overrides)) if (id in map) map[id] = keys;
  return map;
}

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
  code?: string;
}

/** The key's name in the map's notation, e.g. `Alt+1`, `Shift+ArrowUp`, `?`. */
export function keyName(event: KeyLike): string {
  let key = event.key;
  // Alt+digit types another character on some layouts: use the physical digit.
  if (event.altKey && event.code && /^Digit\d$/.test(event.code)) key = event.code.slice(5);
  if (key === ' ') key = 'Space';
  const named = key.length > 1;
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey && named) parts.push('Shift');
  parts.push(key);
  return parts.join('+');
}

export function actionForKey(map: ShortcutMap, name: string): string | undefined {
  for (const [id, keys] of Object.entries(map)) if (keys.includes(name)) return id;
  return undefined;
}

/** Keys bound to more than one action: key → the actions. */
export function shortcutConflicts(map: ShortcutMap): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const [id, keys] of Object.entries(map)) {
    for (const key of keys) byKey.set(key, [...(byKey.get(key) ?? []), id]);
  }
  return new Map([...byKey].filter(([, ids]) => ids.length > 1));
}

export function actionLabel(id: string): string {
  return SHORTCUT_ACTIONS.find((a) => a.id === id)?.label ?? id;
}
