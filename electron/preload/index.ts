import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { createHostBridge } from './host-bridge-client.ts';
import { createSyncLink } from './sync-link-client.ts';

// The page's CSP forbids eval: keep zod from probing for it (the probe alone raises a CSP report).
z.config({ jitless: true });

// The page gets exactly the typed HostBridge: no ipcRenderer, no Electron or Node API.
contextBridge.exposeInMainWorld(
  'tandemHost',
  createHostBridge(
    (channel, ...args) => ipcRenderer.invoke(channel, ...args),
    createSyncLink({
      send: (channel, ...args) => ipcRenderer.send(channel, ...args),
      on: (channel, listener) => ipcRenderer.on(channel, listener),
      removeListener: (channel, listener) => ipcRenderer.removeListener(channel, listener),
    }),
  ),
);
