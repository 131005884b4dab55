import { describe, expect, it } from 'vitest';
import { descendants, parsePssBytes, parseStat, processKind } from './process-memory.ts';

describe('browser process memory', () => {
  it('reads Pss from smaps_rollup in bytes, and 0 when it is absent', () => {
    const rollup = [
      '00400000-7ffd1000 ---p 00000000 00:00 0                          [rollup]',
      'Rss:              204800 kB',
      'Pss:              102400 kB',
      'Pss_Anon:          51200 kB',
    ].join('\n');
    expect(parsePssBytes(rollup)).toBe(102400 * 1024);
    expect(parsePssBytes('Rss: 10 kB')).toBe(0);
  });

  it('reads pid, parent and name from a stat line whose name holds spaces and parentheses', () => {
    expect(parseStat('4242 (chromium) S 4200 4242 4200 0 -1')).toEqual({
      pid: 4242,
      ppid: 4200,
      comm: 'chromium',
    });
    expect(parseStat('77 (Web Content (x)) R 1 77 77')).toEqual({
      pid: 77,
      ppid: 1,
      comm: 'Web Content (x)',
    });
    expect(parseStat('garbage')).toBeNull();
  });

  it('finds every process below a root, grandchildren included, and nothing else', () => {
    const table = [
      { pid: 10, ppid: 1, comm: 'node' },
      { pid: 11, ppid: 10, comm: 'chromium' },
      { pid: 12, ppid: 11, comm: 'chromium' },
      { pid: 13, ppid: 12, comm: 'chromium' },
      { pid: 14, ppid: 10, comm: 'node' },
      { pid: 20, ppid: 1, comm: 'other' },
    ];
    expect(
      descendants(10, table)
        .map((p) => p.pid)
        .sort(),
    ).toEqual([11, 12, 13, 14]);
    expect(descendants(20, table)).toEqual([]);
  });

  it('names a process by its --type, utility processes by their sub-type', () => {
    expect(processKind('/usr/lib/chromium/chromium\0--headless\0--user-data-dir=/tmp/x\0')).toBe(
      'browser',
    );
    expect(processKind('/usr/lib/chromium/chromium\0--type=renderer\0--enable-x\0')).toBe(
      'renderer',
    );
    expect(
      processKind(
        '/usr/lib/chromium/chromium\0--type=utility\0--utility-sub-type=storage.mojom.StorageService\0',
      ),
    ).toBe('utility:StorageService');
    // as Chromium's retitled children show it: one string, arguments joined by spaces
    expect(processKind('/usr/lib/chromium/chromium --type=gpu-process --use-gl=angle\0')).toBe(
      'gpu-process',
    );
  });
});
