import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { createDisplayQaClient, createHostBridge } from './host-bridge-client.ts';
import { createShellLink } from './shell-link-client.ts';
import { createSyncLink } from './sync-link-client.ts';

const transport = {
  send: (channel: string, ...args: unknown[]) => ipcRenderer.send(channel, ...args),
  on: (channel: string, listener: Parameters<typeof ipcRenderer.on>[1]) =>
    ipcRenderer.on(channel, listener),
  removeListener: (channel: string, listener: Parameters<typeof ipcRenderer.on>[1]) =>
    ipcRenderer.removeListener(channel, listener),
};

// The page's CSP forbids eval: keep zod from probing for it (the probe alone raises a CSP report).
z.config({ jitless: true });

// The page gets exactly the typed HostBridge: no ipcRenderer, no Electron or Node API.
contextBridge.exposeInMainWorld(
  'tandemHost',
  createHostBridge(
    (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    createSyncLink(transport),
    createShellLink(transport),
    createDisplayQaClient((channel, ...args) => ipcRenderer.invoke(channel, ...args)),
  ),
);
