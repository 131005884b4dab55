/**
 * The Content-Security-Policy header for the renderer served with `--ui` (browser mode). It is the
 * renderer's own <meta> policy (renderer/index.html) plus what only a header can say
 * (frame-ancestors): scripts only from our origin, WebAssembly may compile (DICOM codecs), no
 * inline script, no eval, no plugins, no framing. Keep it equal to the <meta> policy: both apply.
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
