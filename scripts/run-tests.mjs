#!/usr/bin/env node
// `npm test`: build, typecheck, lint, unit (Vitest) and end-to-end (Playwright) tests, in that order,
// each counted, ending with one line `N passed, N failed[, N skipped]`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const tmp = mkdtempSync(path.join(tmpdir(), 'tandem-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];

function run(name, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  timings.push(`${name} ${seconds}s`);
  return res.status === 0;
}

function step(name, cmd, args) {
  const ok = run(name, cmd, args);
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    console.log(`--- ${name} FAILED`);
  }
  return ok;
}

const built = step('build', 'npm', ['run', 'build']);
step('typecheck', 'npx', ['tsc', '-b']);
step('lint', 'npm', ['run', 'lint']);

// Unit tests: counted from Vitest's JSON report.
const unitReport = path.join(tmp, 'vitest.json');
const unitOk = run('unit', 'npx', ['vitest', 'run'], { TANDEM_JSON_REPORT: unitReport });
if (existsSync(unitReport)) {
  const r = JSON.parse(readFileSync(unitReport, 'utf8'));
  totals.passed += r.numPassedTests;
  totals.failed += r.numFailedTests;
  totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  // A suite that failed to load has no tests to count: count it as a failure.
  const brokenSuites = r.testResults.filter(
    (s) => s.status === 'failed' && s.assertionResults.length === 0,
  ).length;
  totals.failed += brokenSuites;
  if (!unitOk && r.numFailedTests === 0 && brokenSuites === 0) totals.failed += 1;
} else {
  totals.failed += 1;
}

// End-to-end tests: counted from Playwright's JSON report. They need the build.
if (built) {
  const e2eReport = path.join(tmp, 'playwright.json');
  const e2eOk = run('e2e', 'npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
  });
  if (existsSync(e2eReport)) {
    const r = JSON.parse(readFileSync(e2eReport, 'utf8'));
    totals.passed += r.stats.expected + (r.stats.flaky ?? 0);
    totals.failed += r.stats.unexpected;
    totals.skipped += r.stats.skipped;
    if (!e2eOk && r.stats.unexpected === 0) totals.failed += 1;
  } else {
    totals.failed += 1;
  }
} else {
  totals.failed += 1;
  console.log('--- e2e not run: the build failed');
}

console.log(`\ntimings: ${timings.join(', ')}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
