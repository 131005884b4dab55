import { useCallback, useEffect, useState } from 'react';
import { latestRecords } from '../../shared/display/display-qa-host.ts';
import { isQaOverdue, type DisplayInfo } from '../../shared/display/display-requirements.ts';
import type { DisplayQaRecord } from '../../shared/display/qa-record.ts';
import { getHost } from '../host/get-host.ts';
import { displayQaHost } from './display-qa-host.ts';

export interface DisplayQaState {
  displays: DisplayInfo[];
  records: DisplayQaRecord[];
  /** displays without a recent passing QA */
  overdue: DisplayInfo[];
  reload: () => void;
}

/** The displays, their QA records and which are overdue (no passing test within the interval). */
export function useDisplayQa(): DisplayQaState | null {
  const [state, setState] = useState<Omit<DisplayQaState, 'reload'> | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    let cancelled = false;
    const qa = displayQaHost(getHost());
    void Promise.all([qa.displays(), qa.records()])
      .then(([displays, records]) => {
        if (cancelled) return;
        const latest = latestRecords(records.filter((r) => r.pass));
        const now = Date.now();
        const overdue = displays.filter((d) => isQaOverdue(latest.get(d.id)?.testedAt, now));
        setState({ displays, records, overdue });
      })
      .catch((err: unknown) => console.warn('display QA: could not read the displays', err));
    return () => {
      cancelled = true;
    };
  }, [generation]);

  return state === null ? null : { ...state, reload };
}
