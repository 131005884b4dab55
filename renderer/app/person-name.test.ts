import { describe, expect, it } from 'vitest';
import { formatPersonName } from './person-name.ts';

describe('formatPersonName', () => {
  it('writes a DICOM person name as people do', () => {
    expect(formatPersonName('Doe^Jane')).toBe('Doe, Jane');
    expect(formatPersonName('Doe^Jane^Q^Dr.^PhD')).toBe('Doe, Dr. Jane Q PhD');
  });

  it('leaves names without components alone', () => {
    expect(formatPersonName('ANONYMOUS')).toBe('ANONYMOUS');
  });
});
