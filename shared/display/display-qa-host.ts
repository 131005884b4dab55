import type { DisplayInfo } from './display-requirements.ts';
import type { DisplayQaRecord } from './qa-record.ts';

/**
 * Display QA as the host provides it. In Electron main answers from `screen` and keeps the
 * records in its own store; in a browser the page answers from `window.screen` and keeps them in
 * the workstation database.
 */
export interface DisplayQaHost {
  displays(): Promise<DisplayInfo[]>;
  /** Every record kept, oldest first. */
  records(): Promise<DisplayQaRecord[]>;
  saveRecord(record: DisplayQaRecord): Promise<void>;
  /** Shows the TG18-QC style pattern full screen on that display. */
  showTestPattern(displayId: string): Promise<void>;
}

/** The latest record per display id. */
export function latestRecords(records: readonly DisplayQaRecord[]): Map<string, DisplayQaRecord> {
  const latest = new Map<string, DisplayQaRecord>();
  for (const record of records) {
    const known = latest.get(record.displayId);
    if (!known || Date.parse(record.testedAt) >= Date.parse(known.testedAt)) {
      latest.set(record.displayId, record);
    }
  }
  return latest;
}
