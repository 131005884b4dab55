import { describe, expect, it } from 'vitest';
import { parseRollup, processMemory } from './renderer-process.ts';

describe('a renderer process memory', () => {
  it('reads Pss and Rss from smaps_rollup in bytes, not the Pss_ breakdown', () => {
    const rollup = [
      '5587e1b96000-7ffe0c9a3000 ---p 00000000 00:00 0                          [rollup]',
      'Rss:              204800 kB',
      'Pss:              102400 kB',
      'Pss_Dirty:         90000 kB',
      'Pss_Anon:          51200 kB',
    ].join('\n');
    expect(parseRollup(rollup)).toEqual({ pssBytes: 102400 * 1024, rssBytes: 204800 * 1024 });
  });

  it('reads this process from /proc, and nothing for a process that has gone', () => {
    const own = processMemory(process.pid);
    expect(own?.rssBytes).toBeGreaterThan(0);
    expect(own!.pssBytes).toBeLessThanOrEqual(own!.rssBytes);
    expect(processMemory(2 ** 22 + 1)).toBeNull();
  });
});
