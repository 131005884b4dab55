/**
 * The Content-Security-Policy header main sets on every app://tandem response. It matches the
 * renderer's own <meta> policy (renderer/index.html) and adds what only a header can say
 * (frame-ancestors). Scripts only from our origin; WebAssembly may compile (DICOM codecs);
 * workers from our origin or blob: (libraries that build workers from inline sources); no inline
 * script, no eval, no plugins, no framing.
 */
export const APP_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self' blob: data:",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every app:// response carries, whatever it is. */
export function applySecurityHeaders(headers: Headers): Headers {
  headers.set('content-security-policy', APP_CONTENT_SECURITY_POLICY);
  headers.set('x-content-type-options', 'nosniff');
  headers.set('referrer-policy', 'no-referrer');
  return headers;
}
