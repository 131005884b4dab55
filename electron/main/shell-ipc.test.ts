import { describe, expect, it } from 'vitest';
import { ShellIpcChannel } from '../common/shell-ipc.ts';
import {
  FakeIpcMain,
  FakeSyncTarget,
  RecordingLogger,
  senderFrame,
} from '../test-support/electron-fakes.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import { connectShellIpc } from './shell-ipc.ts';
import { createShellLink } from '../preload/shell-link-client.ts';
import type { PageToShell, ShellToPage } from '../../shared/ipc/shell-link.ts';

describe('the shell link', () => {
  it("takes valid messages from the app's top document only", () => {
    const ipcMain = new FakeIpcMain();
    const log = new RecordingLogger();
    const shell = connectShellIpc(ipcMain, log);
    const got: PageToShell[] = [];
    shell.onMessage((m) => got.push(m));
    const page = new FakeSyncTarget();
    ipcMain.message(ShellIpcChannel.toShell, senderFrame(APP_ENTRY_URL), page, {
      type: 'unlocked',
    });
    ipcMain.message(ShellIpcChannel.toShell, senderFrame('https://evil.example/'), page, {
      type: 'unlocked',
    });
    ipcMain.message(
      ShellIpcChannel.toShell,
      senderFrame(APP_ENTRY_URL, senderFrame(APP_ENTRY_URL)),
      page,
      { type: 'unlocked' },
    );
    ipcMain.message(ShellIpcChannel.toShell, senderFrame(APP_ENTRY_URL), page, {
      type: 'place-viewports',
      display: 99,
      caseId: 'c1',
      viewports: [],
    });
    expect(got).toEqual([{ type: 'unlocked' }]);
    expect(log.lines.filter((l) => l.startsWith('warn refused'))).toHaveLength(3);
  });

  it('sends valid messages to live pages only', () => {
    const shell = connectShellIpc(new FakeIpcMain(), new RecordingLogger());
    const page = new FakeSyncTarget();
    shell.send(page, { type: 'lock' });
    shell.send(page, { type: 'open-case', caseId: '../etc' } as ShellToPage);
    page.destroyed = true;
    shell.send(page, { type: 'lock' });
    expect(page.sent).toEqual([{ channel: ShellIpcChannel.toPage, args: [{ type: 'lock' }] }]);
  });

  it("the preload's end passes only valid messages to the page, and checks what it sends", () => {
    const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>();
    const sent: unknown[][] = [];
    const link = createShellLink({
      send: (channel, ...args) => sent.push([channel, ...args]),
      on: (channel, listener) => listeners.set(channel, listener),
      removeListener: (channel) => listeners.delete(channel),
    });
    const got: ShellToPage[] = [];
    const stop = link.listen((m) => got.push(m));
    const deliver = listeners.get(ShellIpcChannel.toPage);
    deliver?.({}, { type: 'open-case', caseId: 'case-1' });
    deliver?.({}, { type: 'open-case', caseId: 'javascript:alert(1)' });
    deliver?.({}, { type: 'shortcut', id: 'next-image' });
    expect(got).toEqual([
      { type: 'open-case', caseId: 'case-1' },
      { type: 'shortcut', id: 'next-image' },
    ]);
    link.tell({ type: 'unlocked' });
    expect(sent).toEqual([[ShellIpcChannel.toShell, { type: 'unlocked' }]]);
    expect(() => link.tell({ type: 'bogus' } as unknown as PageToShell)).toThrow();
    stop();
    expect(listeners.size).toBe(0);
  });
});
