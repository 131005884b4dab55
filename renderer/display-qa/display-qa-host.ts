import type { DisplayQaHost } from '../../shared/display/display-qa-host.ts';
import type { DisplayInfo } from '../../shared/display/display-requirements.ts';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import { addDisplayQaRecord, displayQaRecords } from '../app/workstation-db.ts';
import { navigate } from '../app/route.ts';

/** The browser knows one display: the one the window is on. */
export const BROWSER_DISPLAY_ID = 'browser-screen';

function browserDisplay(): DisplayInfo {
  const ratio = window.devicePixelRatio || 1;
  return {
    id: BROWSER_DISPLAY_ID,
    label: 'This display',
    width: Math.round(window.screen.width * ratio),
    height: Math.round(window.screen.height * ratio),
    scaleFactor: ratio,
    colorDepth: window.screen.colorDepth,
  };
}

/** In a browser: window.screen, records in the workstation database, the pattern in this window. */
const browserDisplayQa: DisplayQaHost = {
  displays: () => Promise.resolve([browserDisplay()]),
  records: () => displayQaRecords(),
  saveRecord: (record) => addDisplayQaRecord(record),
  showTestPattern: () => {
    navigate({ name: 'display-qa-pattern' });
    return Promise.resolve();
  },
};

export function displayQaHost(host: HostBridge): DisplayQaHost {
  return host.displayQa ?? browserDisplayQa;
}
