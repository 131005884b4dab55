import { describe, expect, it } from 'vitest';
import { isAppUrl } from './app-origin.ts';

describe('app origin', () => {
  it('recognises app://tandem and nothing that merely looks like it', () => {
    expect(isAppUrl('app://tandem/index.html')).toBe(true);
    expect(isAppUrl('app://tandem')).toBe(true);
    for (const url of [
      'app://tandem.evil/',
      'app://evil@tandem/',
      'app://tandem:8080/',
      'https://tandem/',
      'file:///tandem/index.html',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});
