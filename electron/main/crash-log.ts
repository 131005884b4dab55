import { createHash } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { CrashReporterStartOptions } from 'electron';
import type { Logger } from './logger.ts';

/**
 * Crash reports stay on this machine: Electron's crashReporter writes minidumps to the local
 * crash dump folder and never uploads them; uncaught errors of main go to a local log with
 * anything that could identify a patient taken out first (PHI never reaches a log).
 */
export const CRASH_REPORTER_OPTIONS: CrashReporterStartOptions = {
  uploadToServer: false,
  submitURL: '',
  ignoreSystemCrashHandler: false,
  compress: true,
};

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 10);

/**
 * Takes out of a log line what could identify a patient or a session: DICOM UIDs (kept as a short
 * hash, so lines about the same instance can still be matched), person names in DICOM form
 * (FAMILY^GIVEN), quoted strings, dates, long numbers (record numbers, accession numbers),
 * e-mail addresses, bearer tokens, and the user's home folder in paths.
 */
export function redact(text: string, home?: string): string {
  let out = text;
  if (home && home.length > 1) out = out.split(home).join('~');
  return out
    .replace(/\bBearer\s+[A-Za-z0-9_\-.~+/]+=*/g, 'Bearer <redacted>')
    .replace(/\b\d+(?:\.\d+){3,}\b/g, (uid) => `<uid:${shortHash(uid)}>`)
    .replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<email>')
    .replace(/[^\s^'"]+\^[^\s'"]*/g, '<name>')
    .replace(/(["'`])(?:(?!\1).){1,200}\1/g, '$1<redacted>$1')
    .replace(/\b\d{4}-?\d{2}-?\d{2}(?:[T ][\d:.]+Z?)?\b/g, '<date>')
    .replace(/\b\d{6,}\b/g, '<number>');
}

export interface CrashLogOptions {
  /** the folder of crash.log (<userData>/logs) */
  dir: string;
  home?: string;
  now?: () => Date;
  log: Logger;
}

/** Writes one uncaught error to crash.log, redacted: its name, message and stack frames. */
export function crashLogWriter(
  options: CrashLogOptions,
): (kind: string, error: unknown) => Promise<void> {
  const now = options.now ?? (() => new Date());
  return async (kind, error) => {
    const raw =
      error instanceof Error
        ? `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`
        : `non-error value of type ${typeof error}`;
    const line = `${now().toISOString()} ${kind} ${redact(raw, options.home)}\n`;
    try {
      await mkdir(options.dir, { recursive: true });
      await appendFile(path.join(options.dir, 'crash.log'), line, { mode: 0o600 });
    } catch {
      options.log.error('the crash log could not be written');
    }
    options.log.error(
      `${kind}: ${redact(error instanceof Error ? error.message : raw, options.home)}`,
    );
  };
}

/** The part of `process` the crash log listens on. */
export interface UncaughtSource {
  on(event: 'uncaughtException', listener: (error: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export function logUncaughtErrors(
  source: UncaughtSource,
  write: (kind: string, error: unknown) => Promise<void>,
): void {
  source.on('uncaughtException', (error) => void write('uncaught exception', error));
  source.on('unhandledRejection', (reason) => void write('unhandled rejection', reason));
}
