import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../backend/test-support/processes.ts';

/**
 * Before any test: the build the tests drive must exist, and the demo studies are generated once
 * into the shared cache (every backend the tests start hard-links them from there).
 */
export default function globalSetup(): void {
  for (const built of ['backend/dist/main.js', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(REPO_ROOT, built))) {
      throw new Error(`${built} is missing: run \`npm run build\` before the e2e tests`);
    }
  }
  const cache = process.env.TANDEM_DEMO_CACHE ?? path.join(REPO_ROOT, '.cache', 'demo-data');
  process.env.TANDEM_DEMO_CACHE = cache;
  execFileSync(process.execPath, ['scripts/demo-data/cli.ts', '--out', cache], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
}
