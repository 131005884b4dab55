import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DisplayQaRecord } from '../../shared/display/qa-record.ts';
import { gsdfConformingReadings } from '../../shared/display/tg18.ts';
import { RecordingLogger, fakeDisplay } from '../test-support/electron-fakes.ts';
import { displayInfo, qaRecordFileAt } from './display-qa-service.ts';

const record = (testedAt: string): DisplayQaRecord => ({
  displayId: '7',
  displayLabel: 'Left',
  testedAt,
  displayClass: 'primary',
  readings: gsdfConformingReadings(1, 400),
  ambient: 0,
  pass: true,
  maxDeviation: 0.002,
  luminanceRatio: 400,
});

describe("main's display QA", () => {
  it('reports physical pixels of a scaled display', () => {
    const hidpi = fakeDisplay(
      7,
      { x: 0, y: 0, width: 1280, height: 1024 },
      { scaleFactor: 2, colorDepth: 30, label: '' },
    );
    expect(displayInfo(hidpi, 1)).toEqual({
      id: '7',
      label: 'Display 2',
      width: 2560,
      height: 2048,
      scaleFactor: 2,
      colorDepth: 30,
    });
  });

  it('keeps every record in order, and sets a damaged file aside', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tandem-qa-'));
    try {
      const log = new RecordingLogger();
      const store = qaRecordFileAt(path.join(dir, 'display-qa.json'), log);
      await expect(store.load()).resolves.toEqual([]);
      await Promise.all([
        store.append(record('2026-01-01T00:00:00.000Z')),
        store.append(record('2026-04-01T00:00:00.000Z')),
      ]);
      expect((await store.load()).map((r) => r.testedAt)).toEqual([
        '2026-01-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
      ]);
      writeFileSync(path.join(dir, 'display-qa.json'), '[{"displayId": 1}]');
      await expect(store.load()).resolves.toEqual([]);
      expect(readdirSync(dir).some((f) => f.startsWith('display-qa.json.damaged-'))).toBe(true);
      expect(log.lines.some((l) => l.includes('damaged'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
