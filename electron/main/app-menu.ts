import type { MenuItemConstructorOptions } from 'electron';
import {
  READING_SHORTCUTS,
  type ReadingShortcut,
  type ReadingShortcutId,
} from '../../shared/ipc/reading-shortcuts.ts';

export interface AppMenuActions {
  /** Replays a reading shortcut in the focused window. */
  shortcut: (id: ReadingShortcutId) => void;
  platform: string;
}

/**
 * The native menu. Its reading commands come from the one shortcut table
 * (`shared/ipc/reading-shortcuts.ts`): the accelerator is shown but not registered, so the key
 * itself still reaches the page (registered, it would be swallowed before the viewer saw it); a
 * click replays the key in the page.
 */
export function appMenuTemplate(actions: AppMenuActions): MenuItemConstructorOptions[] {
  const readingItems = (menu: ReadingShortcut['menu']): MenuItemConstructorOptions[] =>
    READING_SHORTCUTS.filter((s) => s.menu === menu).map((s) => ({
      label: s.label,
      accelerator: s.accelerator,
      registerAccelerator: false,
      click: () => actions.shortcut(s.id),
    }));
  const mac = actions.platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'Image', submenu: readingItems('Image') },
    { label: 'Series', submenu: readingItems('Series') },
    { label: 'Case', submenu: readingItems('Case') },
    {
      role: 'viewMenu',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}
