#!/usr/bin/env node
// Writes backend/dist/main.js, the stable entry of the reference backend. `tsc -b backend` emits the
// compiled tree under backend/dist/backend/src/ (rootDir is the repo root, so shared/ compiles beside
// it); this one-line module lets tests and tooling start `node backend/dist/main.js` regardless.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'backend', 'dist');
mkdirSync(dist, { recursive: true });
writeFileSync(path.join(dist, 'main.js'), "import './backend/src/main.js';\n");
// dist/ holds ES modules whatever the nearest package.json says.
writeFileSync(path.join(dist, 'package.json'), '{ "type": "module" }\n');
