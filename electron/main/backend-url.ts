import { TandemError } from '../../shared/api/errors.ts';

/** Hosts that never leave this machine: plain HTTP to them exposes nothing on the network. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  return /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * The origin of a configured teleradiology backend, checked: patient data and the session token
 * travel to it, so anything but this machine itself must be reached over HTTPS. Throws a
 * TandemError an administrator can act on otherwise.
 */
export function checkedBackendOrigin(configured: string): string {
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new TandemError(
      'backend-url-invalid',
      `The configured server address "${configured}" is not a URL. Set it to the https:// address of your teleradiology service.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TandemError(
      'backend-url-invalid',
      'The configured server address must not carry a user name or password.',
    );
  }
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url.origin;
  if (url.protocol === 'http:') {
    throw new TandemError(
      'backend-url-insecure',
      `Tandem refuses the server address ${url.origin}: it is not on this computer, so it must use HTTPS (https://${url.host}). Ask your administrator to correct the workstation settings.`,
    );
  }
  throw new TandemError(
    'backend-url-invalid',
    `The configured server address must start with https:// (it starts with ${url.protocol}//).`,
  );
}
