import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeEmitter, RecordingLogger } from '../test-support/electron-fakes.ts';
import { CRASH_REPORTER_OPTIONS, crashLogWriter, logUncaughtErrors, redact } from './crash-log.ts';

describe('crash reports without PHI', () => {
  it('never uploads crash dumps', () => {
    expect(CRASH_REPORTER_OPTIONS.uploadToServer).toBe(false);
    expect(CRASH_REPORTER_OPTIONS.submitURL).toBe('');
  });

  it('takes patient and session details out of a message, keeping what helps debugging', () => {
    const uid = '1.2.826.0.1.3680043.8.498.12345';
    const text = redact(
      `TypeError: cannot read 'DOE^JANE' of instance ${uid} for patient "Jane Doe" MRN 12345678 born 1961-04-03, token Bearer abc.DEF-123, mail jane@example.org in /home/jane/cases at line 42`,
      '/home/jane',
    );
    expect(text).not.toMatch(/DOE|JANE|Jane|12345678|1961|abc\.DEF|jane@|\/home\/jane/);
    expect(text).toContain('TypeError: cannot read');
    expect(text).toContain('<uid:');
    expect(text).toContain('line 42');
    // The same UID gives the same hash, so lines about one instance can be matched.
    expect(redact(uid)).toBe(redact(uid));
  });

  it('writes uncaught errors of main to crash.log, redacted', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-crash-'));
    try {
      const log = new RecordingLogger();
      const write = crashLogWriter({ dir, log, now: () => new Date('2026-12-01T00:00:00Z') });
      const source = new FakeEmitter();
      logUncaughtErrors(source, write);
      source.emit('uncaughtException', new Error("no study for 'SMITH^JOHN'"));
      source.emit('unhandledRejection', 'a string reason with 9876543210');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const written = readFileSync(path.join(dir, 'crash.log'), 'utf8');
      expect(written).toContain('2026-12-01T00:00:00.000Z uncaught exception Error: no study for');
      expect(written).toContain('unhandled rejection non-error value of type string');
      expect(written).not.toMatch(/SMITH|JOHN|9876543210/);
      expect(log.lines.join('\n')).not.toMatch(/SMITH|JOHN/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
