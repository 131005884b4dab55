/**
 * The reading shortcuts, one table for every place that shows or binds them: Electron's native
 * menu takes its accelerators from here (shown, not registered, so the key still reaches the
 * page), and a menu click is replayed in the page as that key.
 */
export interface ReadingShortcut {
  /** stable id sent from the menu to the page */
  readonly id: string;
  readonly label: string;
  /** `KeyboardEvent.key` the page's handlers answer */
  readonly key: string;
  /** Electron accelerator string for the same key */
  readonly accelerator: string;
  readonly menu: 'Image' | 'Series' | 'Case';
}

export const READING_SHORTCUTS = [
  {
    id: 'previous-image',
    label: 'Previous image',
    key: 'ArrowUp',
    accelerator: 'Up',
    menu: 'Image',
  },
  { id: 'next-image', label: 'Next image', key: 'ArrowDown', accelerator: 'Down', menu: 'Image' },
  { id: 'back-10', label: '10 images back', key: 'PageUp', accelerator: 'PageUp', menu: 'Image' },
  {
    id: 'forward-10',
    label: '10 images forward',
    key: 'PageDown',
    accelerator: 'PageDown',
    menu: 'Image',
  },
  { id: 'first-image', label: 'First image', key: 'Home', accelerator: 'Home', menu: 'Image' },
  { id: 'last-image', label: 'Last image', key: 'End', accelerator: 'End', menu: 'Image' },
  { id: 'reset-view', label: 'Reset view', key: 'r', accelerator: 'R', menu: 'Image' },
  { id: 'previous-series', label: 'Previous series', key: '[', accelerator: '[', menu: 'Series' },
  { id: 'next-series', label: 'Next series', key: ']', accelerator: ']', menu: 'Series' },
  {
    id: 'back-to-worklist',
    label: 'Back to the worklist',
    key: 'Escape',
    accelerator: 'Escape',
    menu: 'Case',
  },
] as const satisfies readonly ReadingShortcut[];

export type ReadingShortcutId = (typeof READING_SHORTCUTS)[number]['id'];

export const READING_SHORTCUT_IDS = READING_SHORTCUTS.map((s) => s.id) as [
  ReadingShortcutId,
  ...ReadingShortcutId[],
];

export function shortcutById(id: string): ReadingShortcut | undefined {
  return READING_SHORTCUTS.find((s) => s.id === id);
}
