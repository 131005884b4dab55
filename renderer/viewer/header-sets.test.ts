import { describe, expect, it } from 'vitest';
import { headerOf } from '../../shared/cache/read-instance.ts';
import { buildPart10 } from '../../shared/sync/test-support/part10.ts';
import { headerSets } from './header-sets.ts';

function file(sop: string): ArrayBuffer {
  const bytes = buildPart10({ sopInstanceUid: sop, rows: 256, columns: 256 });
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe('header sets (headers read alone for their metadata)', () => {
  it('parses a header (or a whole file) up to the pixels and keeps it until the case is left', () => {
    const sets = headerSets();
    const whole = file('1.2.3');
    expect(sets.add('tandem:1.2.3', headerOf(whole)!, sets.generation())).toBe(true);
    expect(sets.add('tandem:1.2.4', file('1.2.4'), sets.generation())).toBe(true);
    expect(sets.get('tandem:1.2.3')?.string('x00080018')).toBe('1.2.3');
    expect(sets.get('tandem:1.2.4')?.string('x00080018')).toBe('1.2.4');
    expect(sets.size).toBe(2);
    // the header alone holds a few hundred bytes, not the 128 KB of pixels
    expect(sets.get('tandem:1.2.3')!.byteArray.byteLength).toBeLessThan(2_000);
    expect(sets.bytes).toBe(
      sets.get('tandem:1.2.3')!.byteArray.byteLength +
        sets.get('tandem:1.2.4')!.byteArray.byteLength,
    );
    sets.clear();
    expect(sets.size).toBe(0);
    expect(sets.bytes).toBe(0);
    expect(sets.has('tandem:1.2.3')).toBe(false);
  });

  it('keeps nothing of a read that began before the case was left', () => {
    const sets = headerSets();
    const began = sets.generation();
    sets.clear();
    expect(sets.add('tandem:1.2.3', headerOf(file('1.2.3'))!, began)).toBe(true);
    expect(sets.has('tandem:1.2.3')).toBe(false);
  });

  it('says when what was read does not parse (the caller reads the file instead)', () => {
    const sets = headerSets();
    expect(
      sets.add('tandem:x', new TextEncoder().encode('garbage').buffer, sets.generation()),
    ).toBe(false);
    expect(sets.size).toBe(0);
  });
});
