import { describe, expect, it } from 'vitest';
import { IpcChannel, type HostBridge } from '../../shared/ipc/host-bridge.ts';
import { FakeIpcMain, RecordingLogger, senderFrame } from '../test-support/electron-fakes.ts';
import { registerHostBridgeHandlers } from './host-bridge-handlers.ts';

const host: HostBridge = {
  appInfo: () => Promise.resolve({ host: 'electron', version: '0.1.0', platform: 'linux' }),
  backendBaseUrl: () => Promise.resolve(''),
};

function registered(implementation: HostBridge = host) {
  const ipcMain = new FakeIpcMain();
  const log = new RecordingLogger();
  registerHostBridgeHandlers(ipcMain, implementation, log);
  return { ipcMain, log };
}

const appFrame = senderFrame('app://tandem/index.html');

describe('HostBridge IPC handlers', () => {
  it('registers exactly one handler per HostBridge channel', () => {
    const { ipcMain } = registered();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(IpcChannel).sort());
  });

  it('answers the app’s own top-level document', async () => {
    const { ipcMain } = registered();
    await expect(ipcMain.invoke(IpcChannel.appInfo, appFrame)).resolves.toEqual({
      host: 'electron',
      version: '0.1.0',
      platform: 'linux',
    });
    await expect(ipcMain.invoke(IpcChannel.backendBaseUrl, appFrame)).resolves.toBe('');
  });

  it('rejects a foreign sender: another origin, a subframe, a vanished frame', async () => {
    const { ipcMain, log } = registered();
    const foreign = [
      senderFrame('https://evil.example/'),
      senderFrame('app://other/index.html'),
      senderFrame('file:///tmp/index.html'),
      senderFrame('app://tandem/index.html', appFrame),
      null,
    ];
    for (const channel of Object.values(IpcChannel)) {
      for (const frame of foreign) {
        await expect(ipcMain.invoke(channel, frame)).rejects.toMatchObject({
          code: 'ipc-forbidden',
        });
      }
    }
    expect(log.lines.some((l) => l.startsWith('warn refused IPC'))).toBe(true);
  });

  it('rejects payloads the contract does not allow', async () => {
    const { ipcMain } = registered();
    for (const args of [['extra'], [{ __proto__: null }], [undefined, 1]]) {
      await expect(ipcMain.invoke(IpcChannel.appInfo, appFrame, ...args)).rejects.toMatchObject({
        code: 'ipc-bad-request',
      });
    }
  });

  it('never sends a result that breaks the contract', async () => {
    const broken: HostBridge = {
      ...host,
      appInfo: () => Promise.resolve({ host: 'toaster', version: 1, platform: 'x' } as never),
      backendBaseUrl: () => Promise.resolve('javascript:alert(1)'),
    };
    const { ipcMain } = registered(broken);
    await expect(ipcMain.invoke(IpcChannel.appInfo, appFrame)).rejects.toMatchObject({
      code: 'ipc-bad-result',
    });
    await expect(ipcMain.invoke(IpcChannel.backendBaseUrl, appFrame)).rejects.toMatchObject({
      code: 'ipc-bad-result',
    });
  });
});
