import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DisplayQaHost } from '../../shared/display/display-qa-host.ts';
import type { DisplayInfo } from '../../shared/display/display-requirements.ts';
import { DisplayQaRecord } from '../../shared/display/qa-record.ts';
import { TandemError } from '../../shared/api/errors.ts';
import { orderedDisplays, type ScreenDisplay, type ScreenPort } from './display-layout.ts';
import type { Logger } from './logger.ts';

/** What the QA page is told of a display: physical pixels (size is in device-independent pixels). */
export function displayInfo(display: ScreenDisplay, index: number): DisplayInfo {
  return {
    id: String(display.id),
    label: display.label.trim() === '' ? `Display ${index + 1}` : display.label,
    width: Math.round(display.size.width * display.scaleFactor),
    height: Math.round(display.size.height * display.scaleFactor),
    scaleFactor: display.scaleFactor,
    colorDepth: display.colorDepth,
  };
}

/** Display QA records kept by main: `<userData>/display-qa.json`, appended, replaced atomically. */
export interface QaRecordStore {
  load(): Promise<DisplayQaRecord[]>;
  append(record: DisplayQaRecord): Promise<void>;
}

export function qaRecordFileAt(file: string, log: Logger): QaRecordStore {
  const load = async (): Promise<DisplayQaRecord[]> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = z.array(DisplayQaRecord).safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // fall through
    }
    log.warn('the display QA records are damaged; they are kept aside and a new list is started');
    await rename(file, `${file}.damaged-${Date.now()}`).catch(() => undefined);
    return [];
  };
  let writes: Promise<unknown> = Promise.resolve();
  return {
    load,
    append(record) {
      const step = writes.then(async () => {
        const records = [...(await load()), record];
        const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        await writeFile(temporary, JSON.stringify(records, null, 2));
        await rename(temporary, file);
      });
      writes = step.catch(() => undefined);
      return step;
    },
  };
}

export interface DisplayQaServiceOptions {
  screen: ScreenPort;
  store: QaRecordStore;
  /** Opens the full-screen test pattern window on this display. */
  showPattern: (display: ScreenDisplay) => void;
}

/** Main's DisplayQaHost: displays from `screen` (the primary first), records in main's store. */
export function createDisplayQaService(options: DisplayQaServiceOptions): DisplayQaHost {
  const displays = () =>
    orderedDisplays(options.screen.getAllDisplays(), options.screen.getPrimaryDisplay().id);
  return {
    displays: () => Promise.resolve(displays().map(displayInfo)),
    records: () => options.store.load(),
    saveRecord: (record) => options.store.append(record),
    showTestPattern(displayId) {
      const display = displays().find((d) => String(d.id) === displayId);
      if (!display) {
        return Promise.reject(
          new TandemError('display-gone', 'That display is no longer connected.'),
        );
      }
      options.showPattern(display);
      return Promise.resolve();
    },
  };
}
