import { describe, expect, it } from 'vitest';
import { TandemError } from '../../shared/api/errors.ts';
import { checkedBackendOrigin } from './backend-url.ts';

function refusal(url: string): TandemError {
  try {
    checkedBackendOrigin(url);
  } catch (error) {
    if (error instanceof TandemError) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('the configured backend address', () => {
  it('accepts HTTPS anywhere and keeps only the origin', () => {
    expect(checkedBackendOrigin('https://tele.example.org/some/path?q=1')).toBe(
      'https://tele.example.org',
    );
    expect(checkedBackendOrigin('https://10.0.0.5:8443')).toBe('https://10.0.0.5:8443');
  });

  it('accepts plain HTTP only to this machine (loopback)', () => {
    expect(checkedBackendOrigin('http://127.0.0.1:8800')).toBe('http://127.0.0.1:8800');
    expect(checkedBackendOrigin('http://127.8.9.10')).toBe('http://127.8.9.10');
    expect(checkedBackendOrigin('http://localhost:8800')).toBe('http://localhost:8800');
    expect(checkedBackendOrigin('http://[::1]:8800')).toBe('http://[::1]:8800');
  });

  it('refuses plain HTTP to another host, saying to use HTTPS', () => {
    for (const url of [
      'http://tele.example.org',
      'http://10.0.0.5:8800',
      'http://127.0.0.1.evil.example',
    ]) {
      const error = refusal(url);
      expect(error.code).toBe('backend-url-insecure');
      expect(error.message).toContain('must use HTTPS');
    }
  });

  it('refuses what is not an http(s) URL, or carries a password', () => {
    expect(refusal('tele.example.org').code).toBe('backend-url-invalid');
    expect(refusal('ftp://tele.example.org').code).toBe('backend-url-invalid');
    expect(refusal('https://user:secret@tele.example.org').code).toBe('backend-url-invalid');
    expect(refusal('https://user:secret@tele.example.org').message).not.toContain('secret');
  });
});
