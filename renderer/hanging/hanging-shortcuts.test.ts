import { describe, expect, it } from 'vitest';
import {
  actionForKey,
  defaultShortcutMap,
  shortcutConflicts,
  withOverrides,
} from '../viewer/shortcuts.ts';
import { isHangingAction } from './hanging-shortcuts.ts';

describe('hanging protocol keys', () => {
  it('are in the default shortcut map, clear of every other action', () => {
    expect(shortcutConflicts(defaultShortcutMap())).toEqual(new Map());
  });

  it('step stages with s / Shift+S and protocols with d / Shift+D', () => {
    const map = defaultShortcutMap();
    expect(['s', 'S', 'd', 'D'].map((k) => actionForKey(map, k))).toEqual([
      'hp-next-stage',
      'hp-prev-stage',
      'hp-next-protocol',
      'hp-prev-protocol',
    ]);
    expect(isHangingAction(actionForKey(map, 'x'))).toBe(false);
  });

  it("follow the reader's own keys", () => {
    const map = withOverrides({ 'hp-next-stage': ['F8'] });
    expect(actionForKey(map, 'F8')).toBe('hp-next-stage');
    expect(actionForKey(map, 's')).toBeUndefined();
  });
});
