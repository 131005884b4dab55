import { describe, expect, it } from 'vitest';
import {
  actionForKey,
  defaultShortcutMap,
  keyName,
  SHORTCUT_ACTIONS,
  shortcutConflicts,
  withOverrides,
} from './shortcuts.ts';

const key = (
  k: string,
  mods: Partial<{ ctrl: boolean; alt: boolean; shift: boolean }> = {},
  code?: string,
) => ({
  key: k,
  ctrlKey: !!mods.ctrl,
  altKey: !!mods.alt,
  shiftKey: !!mods.shift,
  metaKey: false,
  ...(code ? { code } : {}),
});

describe('viewer shortcuts', () => {
  it('gives every action a key, and no key two actions, by default', () => {
    const map = defaultShortcutMap();
    for (const action of SHORTCUT_ACTIONS) expect(map[action.id]?.length).toBeGreaterThan(0);
    expect(shortcutConflicts(map).size).toBe(0);
  });

  it('names keys as the map writes them: shifted characters as themselves, Shift+ for named keys', () => {
    expect(keyName(key('?', { shift: true }))).toBe('?');
    expect(keyName(key('L', { shift: true }))).toBe('L');
    expect(keyName(key('ArrowUp', { shift: true }))).toBe('Shift+ArrowUp');
    expect(keyName(key('¡', { alt: true }, 'Digit1'))).toBe('Alt+1');
    expect(keyName(key('PageDown'))).toBe('PageDown');
  });

  it('finds the action of a key, case sensitive for letters', () => {
    const map = defaultShortcutMap();
    expect(actionForKey(map, 'l')).toBe('tool-length');
    expect(actionForKey(map, 'L')).toBe('key-measure');
    expect(actionForKey(map, 'PageUp')).toBe('page-up');
    expect(actionForKey(map, 'Alt+4')).toBe('layout-2x2');
    expect(actionForKey(map, 'F13')).toBeUndefined();
  });

  it("uses the reader's keys over the defaults and reports a key bound twice", () => {
    const map = withOverrides({ invert: ['x'], 'no-such-action': ['y'] });
    expect(actionForKey(map, 'x')).toBe('invert');
    expect(actionForKey(map, 'i')).toBeUndefined();
    expect(map['no-such-action']).toBeUndefined();

    const clash = withOverrides({ invert: ['l'] });
    expect([...shortcutConflicts(clash)]).toEqual([['l', ['invert', 'tool-length']]]);
  });
});
