import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTempDir,
  removeDir,
  startBackend,
  type BackendProcess,
} from '../test-support/processes.ts';

let backend: BackendProcess;
let uiDir: string;

beforeAll(async () => {
  uiDir = makeTempDir('ui');
  writeFileSync(
    path.join(uiDir, 'index.html'),
    '<!doctype html><title>Tandem</title><div id="root"></div>',
  );
  mkdirSync(path.join(uiDir, 'assets'));
  writeFileSync(path.join(uiDir, 'assets', 'app-1234.js'), 'console.log("tandem");');
  backend = await startBackend({ ui: uiDir });
}, 60_000);

afterAll(async () => {
  await backend?.stop();
  if (backend) removeDir(backend.dataDir);
  removeDir(uiDir);
});

describe('--ui (browser mode)', () => {
  it('serves the renderer at / and its assets from the same origin', async () => {
    const index = await fetch(`${backend.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>Tandem</title>');
    const asset = await fetch(`${backend.url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('answers unknown non-API paths with index.html (client-side routes), API paths with JSON 404', async () => {
    const route = await fetch(`${backend.url}/cases/case-1/viewer`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Tandem</title>');
    for (const p of ['/api/unknown', '/dicom-web/unknown']) {
      const res = await fetch(`${backend.url}${p}`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not-found');
    }
    const post = await fetch(`${backend.url}/cases/case-1`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});
