import { describe, expect, it } from 'vitest';
import { READING_SHORTCUTS } from '../../shared/ipc/reading-shortcuts.ts';
import { appMenuTemplate } from './app-menu.ts';

describe('the native menu', () => {
  it('lists every reading shortcut once, with its accelerator shown but left to the page', () => {
    const replayed: string[] = [];
    const template = appMenuTemplate({ shortcut: (id) => replayed.push(id), platform: 'linux' });
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
    const reading = items.filter((i) => i.registerAccelerator === false);
    expect(reading.map((i) => [i.label, i.accelerator])).toEqual(
      READING_SHORTCUTS.map((s) => [s.label, s.accelerator]),
    );
    for (const item of reading) (item.click as () => void)();
    expect(replayed).toEqual(READING_SHORTCUTS.map((s) => s.id));
    // No developer tools or reload in the menu of a reading workstation.
    expect(JSON.stringify(template)).not.toMatch(/toggleDevTools|forceReload/);
  });

  it('adds the application menu on macOS only', () => {
    expect(appMenuTemplate({ shortcut: () => undefined, platform: 'darwin' })[0]?.role).toBe(
      'appMenu',
    );
    expect(appMenuTemplate({ shortcut: () => undefined, platform: 'win32' })[0]?.role).toBe(
      'fileMenu',
    );
  });
});
