import { describe, expect, it } from 'vitest';
import type { HostBridge } from '../../shared/ipc/host-bridge.ts';
import type { PageToShell, ShellToPage } from '../../shared/ipc/shell-link.ts';
import { sessionStore } from '../app/session-store.ts';
import { startLockController } from './lock-controller.ts';
import { lockStore } from './lock-store.ts';

function electronHost() {
  let listener: ((message: ShellToPage) => void) | null = null;
  const told: PageToShell[] = [];
  const host: HostBridge = {
    appInfo: () => Promise.resolve({ host: 'electron', version: 't', platform: 'linux' }),
    backendBaseUrl: () => Promise.resolve(''),
    shell: {
      listen: (l) => {
        listener = l;
        return () => {
          listener = null;
        };
      },
      tell: (m) => told.push(m),
    },
  };
  return {
    host,
    send: (m: ShellToPage) => listener?.(m),
    told,
    listening: () => listener !== null,
  };
}

const USER = {
  id: 'u1',
  username: 'radiologist1',
  displayName: 'Dr One',
  role: 'radiologist' as const,
  subspecialties: [],
};

describe('who locks the screen', () => {
  it("in Electron, main's lock message locks a signed-in session; signing out lifts it", () => {
    const t = electronHost();
    const stop = startLockController(t.host);
    sessionStore.signedOut();
    t.send({ type: 'lock' });
    expect(lockStore.get()).toBe(false);
    sessionStore.signedIn(USER);
    t.send({ type: 'open-case', caseId: 'c1' });
    expect(lockStore.get()).toBe(false);
    t.send({ type: 'lock' });
    expect(lockStore.get()).toBe(true);
    sessionStore.expired();
    expect(lockStore.get()).toBe(false);
    stop();
    expect(t.listening()).toBe(false);
  });
});
