import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { applySecurityHeaders } from './content-security-policy.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file under `root`, or null when the path could leave it. Any `..` segment
 * (also percent-encoded, or with backslashes), NUL, or drive/stream colon is refused outright
 * rather than normalised, and the result is checked to lie inside the root.
 */
export function resolveRendererPath(root: string, urlPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const segments = decoded.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.includes(':'))) return null;
  if (segments.length === 0) segments.push('index.html');
  const absoluteRoot = path.resolve(root);
  const target = path.resolve(absoluteRoot, ...segments);
  const relative = path.relative(absoluteRoot, target);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return target;
}

function plainResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: applySecurityHeaders(new Headers({ 'content-type': 'text/plain; charset=utf-8' })),
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built renderer (electron-vite's out/renderer). A path without an extension that
 * names no file gets index.html, so a reload on a client-side route still opens the app.
 */
export async function serveRendererFile(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return plainResponse(405, 'Method not allowed');
  }
  const { pathname } = new URL(request.url);
  let file = resolveRendererPath(root, pathname);
  if (file === null) return plainResponse(404, 'Not found');
  if (!(await isFile(file))) {
    if (path.extname(file) !== '') return plainResponse(404, 'Not found');
    file = path.join(path.resolve(root), 'index.html');
    if (!(await isFile(file))) return plainResponse(404, 'Not found');
  }
  const body = request.method === 'HEAD' ? null : await readFile(file);
  const headers = applySecurityHeaders(new Headers({ 'content-type': contentTypeFor(file) }));
  // Files change with every update of the app; never serve a stale one.
  headers.set('cache-control', 'no-cache');
  return new Response(body, { status: 200, headers });
}
