#!/usr/bin/env node
// `npm test`: build, typecheck, lint, unit (Vitest) and end-to-end (Playwright) tests, in that order,
// each counted, ending with one line `N passed, N failed[, N skipped]`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const tmp = mkdtempSync(path.join(tmpdir(), 'tandem-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];
/** Why a stage failed when no counted test says so, repeated just above the summary line. */
const uncounted = [];
const outputs = new Map();

/** Runs one stage, its output passed through as it comes and kept for the failure summary. */
async function run(name, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const child = spawn(cmd, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const chunks = [];
  child.stdout.on('data', (d) => (process.stdout.write(d), chunks.push(d)));
  child.stderr.on('data', (d) => (process.stderr.write(d), chunks.push(d)));
  const status = await new Promise((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('close', (code) => resolve(code ?? -1));
  });
  outputs.set(name, Buffer.concat(chunks).toString('utf8'));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  timings.push(`${name} ${seconds}s`);
  return status === 0;
}

/** The lines of a stage's output that tell why it failed: error blocks if any, else its last lines. */
function whyFailed(name) {
  // Colour codes would hide the words we look for.
  // eslint-disable-next-line no-control-regex
  const lines = (outputs.get(name) ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n');
  const start = lines.findIndex((l) =>
    /Unhandled (Errors?|Rejection)|error was not a part of any test|errors? (was|were) not a part/i.test(
      l,
    ),
  );
  const picked = start >= 0 ? lines.slice(start, start + 60) : lines.slice(-40);
  return picked.map((l) => `    ${l}`).join('\n');
}

async function step(name, cmd, args) {
  const ok = await run(name, cmd, args);
  if (ok) totals.passed += 1;
  else {
    totals.failed += 1;
    console.log(`--- ${name} FAILED`);
    uncounted.push(name);
  }
  return ok;
}

const built = await step('build', 'npm', ['run', 'build']);
await step('typecheck', 'npx', ['tsc', '-b']);
await step('lint', 'npm', ['run', 'lint']);

// Unit tests: counted from Vitest's JSON report.
const unitReport = path.join(tmp, 'vitest.json');
const unitOk = await run('unit', 'npx', ['vitest', 'run'], { TANDEM_JSON_REPORT: unitReport });
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
  if (!unitOk && r.numFailedTests === 0 && brokenSuites === 0) {
    totals.failed += 1;
    uncounted.push('unit');
  }
} else {
  totals.failed += 1;
  uncounted.push('unit');
}

// End-to-end tests: counted from Playwright's JSON report. They need the build.
if (built) {
  const e2eReport = path.join(tmp, 'playwright.json');
  const e2eOk = await run('e2e', 'npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport,
  });
  if (existsSync(e2eReport)) {
    const r = JSON.parse(readFileSync(e2eReport, 'utf8'));
    totals.passed += r.stats.expected + (r.stats.flaky ?? 0);
    totals.failed += r.stats.unexpected;
    totals.skipped += r.stats.skipped;
    if (!e2eOk && r.stats.unexpected === 0) {
      totals.failed += 1;
      uncounted.push('e2e');
    }
  } else {
    totals.failed += 1;
    uncounted.push('e2e');
  }
} else {
  totals.failed += 1;
  console.log('--- e2e not run: the build failed');
}

for (const name of uncounted) {
  console.log(
    `\n--- ${name} failed without a failed test to count; what it printed:\n${whyFailed(name)}`,
  );
}
console.log(`\ntimings: ${timings.join(', ')}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed === 0 ? 0 : 1);
