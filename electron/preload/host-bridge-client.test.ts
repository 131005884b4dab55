import { describe, expect, it } from 'vitest';
import { IpcChannel } from '../../shared/ipc/host-bridge.ts';
import { createHostBridge, type Invoke } from './host-bridge-client.ts';
import { createSyncLink } from './sync-link-client.ts';

function recordingInvoke(answers: Record<string, unknown>) {
  const calls: { channel: string; args: unknown[] }[] = [];
  const invoke: Invoke = (channel, ...args) => {
    calls.push({ channel, args });
    return Promise.resolve(answers[channel]);
  };
  return { invoke, calls };
}

describe('preload HostBridge', () => {
  it('exposes exactly the HostBridge methods, as plain functions', () => {
    const bridge = createHostBridge(recordingInvoke({}).invoke);
    expect(Object.keys(bridge).sort()).toEqual(['appInfo', 'backendBaseUrl', 'cacheKey']);
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('adds the sync link when the host drives syncing', () => {
    const link = createSyncLink({
      send: () => undefined,
      on: () => undefined,
      removeListener: () => undefined,
    });
    const bridge = createHostBridge(recordingInvoke({}).invoke, link);
    expect(Object.keys(bridge).sort()).toEqual(['appInfo', 'backendBaseUrl', 'cacheKey', 'sync']);
    expect(bridge.sync).toBe(link);
    expect(Object.keys(link).sort()).toEqual(['attach', 'caseOpened', 'report']);
  });

  it('invokes each method on its channel and returns the validated answer', async () => {
    const { invoke, calls } = recordingInvoke({
      [IpcChannel.appInfo]: { host: 'electron', version: '0.1.0', platform: 'win32' },
      [IpcChannel.backendBaseUrl]: '',
    });
    const bridge = createHostBridge(invoke);
    await expect(bridge.appInfo()).resolves.toEqual({
      host: 'electron',
      version: '0.1.0',
      platform: 'win32',
    });
    await expect(bridge.backendBaseUrl()).resolves.toBe('');
    expect(calls).toEqual([
      { channel: IpcChannel.appInfo, args: [] },
      { channel: IpcChannel.backendBaseUrl, args: [] },
    ]);
  });

  it('rejects answers that break the contract', async () => {
    const bridge = createHostBridge(
      recordingInvoke({
        [IpcChannel.appInfo]: { host: 'electron', version: 7 },
        [IpcChannel.backendBaseUrl]: 'file:///etc/passwd',
      }).invoke,
    );
    await expect(bridge.appInfo()).rejects.toMatchObject({ code: 'ipc-bad-response' });
    await expect(bridge.backendBaseUrl()).rejects.toMatchObject({ code: 'ipc-bad-response' });
  });

  it('accepts an absolute http(s) base URL', async () => {
    const bridge = createHostBridge(
      recordingInvoke({ [IpcChannel.backendBaseUrl]: 'https://tele.example.org' }).invoke,
    );
    await expect(bridge.backendBaseUrl()).resolves.toBe('https://tele.example.org');
  });
});
