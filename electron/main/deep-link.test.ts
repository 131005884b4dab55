import { describe, expect, it } from 'vitest';
import { caseIdFromArgv, caseIdFromDeepLink } from './deep-link.ts';

describe('tandem:// deep links', () => {
  it('opens the case a tandem://case/<id> link names', () => {
    expect(caseIdFromDeepLink('tandem://case/case-0042')).toBe('case-0042');
    expect(caseIdFromDeepLink('tandem://case/AbC-9/')).toBe('AbC-9');
  });

  it('refuses anything else', () => {
    for (const link of [
      'tandem://case/',
      'tandem://case/../../etc/passwd',
      'tandem://case/a/b',
      'tandem://case/../x',
      'tandem://case/./x',
      'tandem://case/a?x=1',
      'tandem://case/a#b',
      'tandem://evil/a',
      'tandem://user:pw@case/a',
      'https://case/a',
      'tandem://case/%3Cscript%3E',
      `tandem://case/${'a'.repeat(400)}`,
      'not a url',
    ]) {
      expect(caseIdFromDeepLink(link)).toBeNull();
    }
  });

  it('finds the link among command-line arguments of a second launch', () => {
    expect(caseIdFromArgv(['/opt/Tandem/tandem', '--no-sandbox', 'tandem://case/c7'])).toBe('c7');
    expect(caseIdFromArgv(['/opt/Tandem/tandem', 'tandem://case/..'])).toBeNull();
    expect(caseIdFromArgv(['/opt/Tandem/tandem'])).toBeNull();
  });
});
