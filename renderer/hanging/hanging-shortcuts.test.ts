import { describe, expect, it } from 'vitest';
import { defaultShortcutMap } from '../viewer/shortcuts.ts';
import { HANGING_SHORTCUTS, hangingActionForKey } from './hanging-shortcuts.ts';

describe('hanging protocol keys', () => {
  it('use no key the viewer binds by default', () => {
    const viewerKeys = new Set(Object.values(defaultShortcutMap()).flat());
    const clashes = HANGING_SHORTCUTS.flatMap((a) => a.keys.filter((k) => viewerKeys.has(k)));
    expect(clashes).toEqual([]);
  });

  it('step stages with s / Shift+S and protocols with d / Shift+D', () => {
    expect(['s', 'S', 'd', 'D', 'x'].map(hangingActionForKey)).toEqual([
      'hp-next-stage',
      'hp-prev-stage',
      'hp-next-protocol',
      'hp-prev-protocol',
      undefined,
    ]);
  });
});
