import { describe, expect, it } from 'vitest';
import type { SyncCommand, SyncEvent } from '../../shared/ipc/sync-channel.ts';
import { SyncIpcChannel } from '../common/sync-ipc.ts';
import { createSyncLink, type SyncLinkTransport } from '../preload/sync-link-client.ts';
import {
  FakeIpcMain,
  FakeSyncTarget,
  RecordingLogger,
  senderFrame,
} from '../test-support/electron-fakes.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import { connectSyncIpc } from './sync-ipc.ts';

const APP = senderFrame(APP_ENTRY_URL);

function setup() {
  const ipcMain = new FakeIpcMain();
  const log = new RecordingLogger();
  const port = connectSyncIpc(ipcMain, log);
  const attaches: number[] = [];
  const events: SyncEvent[] = [];
  const opened: (string | null)[] = [];
  port.onAttach(() => attaches.push(attaches.length + 1));
  port.onEvent((e) => events.push(e));
  port.onCaseOpened((c) => opened.push(c));
  return { ipcMain, log, port, attaches, events, opened };
}

/** Commands main sent to a page. */
function commandsTo(target: FakeSyncTarget): unknown[] {
  return target.sent.filter((m) => m.channel === SyncIpcChannel.command).map((m) => m.args[0]);
}

const STATUS: SyncEvent = { type: 'status', status: { state: 'running' } };

describe("main's end of the sync link", () => {
  it('sends commands to the page that attached, and nothing before', () => {
    const t = setup();
    const page = new FakeSyncTarget();
    t.port.send({ type: 'pause' });
    t.ipcMain.message(SyncIpcChannel.attach, APP, page);
    expect(t.attaches).toEqual([1]);
    t.port.send({ type: 'start', backendBaseUrl: '' });
    t.port.send({ type: 'focus', caseId: 'case-1' });
    expect(commandsTo(page)).toEqual([
      { type: 'start', backendBaseUrl: '' },
      { type: 'focus', caseId: 'case-1' },
    ]);
  });

  it('takes events only from the attached page', () => {
    const t = setup();
    const page = new FakeSyncTarget();
    const other = new FakeSyncTarget();
    t.ipcMain.message(SyncIpcChannel.event, APP, page, STATUS);
    expect(t.events).toEqual([]);
    t.ipcMain.message(SyncIpcChannel.attach, APP, page);
    t.ipcMain.message(SyncIpcChannel.event, APP, page, STATUS);
    t.ipcMain.message(SyncIpcChannel.event, APP, other, STATUS);
    expect(t.events).toEqual([STATUS]);
  });

  it('moves to the page that attached last, and forgets a detached or destroyed one', () => {
    const t = setup();
    const first = new FakeSyncTarget();
    const second = new FakeSyncTarget();
    t.ipcMain.message(SyncIpcChannel.attach, APP, first);
    t.ipcMain.message(SyncIpcChannel.attach, APP, second);
    t.port.send({ type: 'pause' });
    expect(commandsTo(first)).toEqual([]);
    expect(commandsTo(second)).toEqual([{ type: 'pause' }]);
    // Only the attached page can detach.
    t.ipcMain.message(SyncIpcChannel.detach, APP, first);
    t.port.send({ type: 'resume' });
    expect(commandsTo(second)).toHaveLength(2);
    t.ipcMain.message(SyncIpcChannel.detach, APP, second);
    t.port.send({ type: 'stop' });
    expect(commandsTo(second)).toHaveLength(2);

    t.ipcMain.message(SyncIpcChannel.attach, APP, first);
    first.destroyed = true;
    t.port.send({ type: 'stop' });
    expect(commandsTo(first)).toEqual([]);
  });

  it('refuses frames and other origins, and invalid payloads', () => {
    const t = setup();
    const page = new FakeSyncTarget();
    t.ipcMain.message(SyncIpcChannel.attach, senderFrame('https://evil.example/'), page);
    t.ipcMain.message(SyncIpcChannel.attach, senderFrame(APP_ENTRY_URL, APP), page);
    t.ipcMain.message(SyncIpcChannel.attach, null, page);
    expect(t.attaches).toEqual([]);

    t.ipcMain.message(SyncIpcChannel.attach, APP, page);
    t.ipcMain.message(SyncIpcChannel.event, APP, page, { type: 'status', status: { state: 'x' } });
    t.ipcMain.message(SyncIpcChannel.event, APP, page, STATUS, 'extra');
    t.ipcMain.message(SyncIpcChannel.caseOpened, APP, page, '');
    t.ipcMain.message(SyncIpcChannel.caseOpened, APP, page, 'x'.repeat(129));
    t.ipcMain.message(SyncIpcChannel.caseOpened, senderFrame('https://evil.example/'), page, 'c');
    expect(t.events).toEqual([]);
    expect(t.opened).toEqual([]);
    expect(t.log.lines.filter((l) => l.startsWith('warn refused IPC'))).toHaveLength(8);
  });

  it('hears which case is open from any app window', () => {
    const t = setup();
    t.ipcMain.message(SyncIpcChannel.caseOpened, APP, new FakeSyncTarget(), 'case-9');
    t.ipcMain.message(SyncIpcChannel.caseOpened, APP, new FakeSyncTarget(), null);
    expect(t.opened).toEqual(['case-9', null]);
  });

  it('does not send an invalid command of its own', () => {
    const t = setup();
    const page = new FakeSyncTarget();
    t.ipcMain.message(SyncIpcChannel.attach, APP, page);
    t.port.send({ type: 'focus', caseId: '' });
    expect(commandsTo(page)).toEqual([]);
    expect(t.log.lines.some((l) => l.startsWith('error main made an invalid sync command'))).toBe(
      true,
    );
  });
});

/** The preload's link wired to main's end through fake IPC, as in a running app. */
function linked() {
  const t = setup();
  const page = new FakeSyncTarget();
  type Listener = Parameters<SyncLinkTransport['on']>[1];
  const listeners = new Map<string, Listener[]>();
  const transport: SyncLinkTransport = {
    send: (channel, ...args) => t.ipcMain.message(channel, APP, page, ...args),
    on: (channel, listener) =>
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]),
    removeListener: (channel, listener) =>
      listeners.set(
        channel,
        (listeners.get(channel) ?? []).filter((l) => l !== listener),
      ),
  };
  // What main sends the page arrives at the preload's listeners.
  page.send = (channel, ...args) => {
    for (const listener of listeners.get(channel) ?? []) listener({}, ...args);
  };
  const link = createSyncLink(transport);
  return { ...t, link, page, listeners };
}

describe("the page's end of the sync link", () => {
  it("passes main's commands to the attached worker until it detaches", () => {
    const t = linked();
    const received: SyncCommand[] = [];
    const detach = t.link.attach((c) => received.push(c));
    expect(t.attaches).toEqual([1]);
    t.port.send({ type: 'start', backendBaseUrl: '' });
    detach();
    t.port.send({ type: 'stop' });
    expect(received).toEqual([{ type: 'start', backendBaseUrl: '' }]);
  });

  it('replaces an earlier worker on a second attach', () => {
    const t = linked();
    const first: SyncCommand[] = [];
    const second: SyncCommand[] = [];
    const detachFirst = t.link.attach((c) => first.push(c));
    t.link.attach((c) => second.push(c));
    detachFirst();
    t.port.send({ type: 'pause' });
    expect(first).toEqual([]);
    expect(second).toEqual([{ type: 'pause' }]);
  });

  it('drops a command that is not valid', () => {
    const t = linked();
    const received: SyncCommand[] = [];
    t.link.attach((c) => received.push(c));
    for (const listener of t.listeners.get(SyncIpcChannel.command) ?? []) {
      listener({}, { type: 'format-disk' });
    }
    expect(received).toEqual([]);
  });

  it('reports events and the open case to main, and refuses invalid ones', () => {
    const t = linked();
    t.link.attach(() => undefined);
    t.link.report(STATUS);
    t.link.caseOpened('case-2');
    expect(t.events).toEqual([STATUS]);
    expect(t.opened).toEqual(['case-2']);
    expect(() => t.link.report({ type: 'nope' } as unknown as SyncEvent)).toThrow(
      /Invalid sync event/,
    );
    expect(() => t.link.caseOpened('')).toThrow(/Invalid case id/);
    expect(() => t.link.attach('not a function' as unknown as () => void)).toThrow();
  });
});
