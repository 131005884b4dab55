import { SyncCommand, SyncEvent } from '../../shared/ipc/sync-channel.ts';
import type { SyncHostLink } from '../../shared/ipc/sync-host-link.ts';
import { cacheKeyState } from '../app/cache-key.ts';
import type { EngineStatus } from '../../shared/sync/engine.ts';
import { Emitter } from '../../shared/sync/emitter.ts';
import type { CaseProgress } from '../../shared/sync/records.ts';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { onCheckedMessage } from './worker-messages.ts';

export interface SyncClientEvents extends Record<string, unknown> {
  status: EngineStatus;
  progress: CaseProgress;
  /** `items` when they changed since the worker last told them (the page shows them at once) */
  worklist: { count: number; at: number; items?: WorklistItem[] | undefined };
}

/**
 * The page's handle on the sync worker, every message checked against
 * `shared/ipc/sync-channel.ts` on both sides. In browser mode the page drives the worker: it
 * starts and stops it with the session, focuses the open case, resumes it when the network is
 * back. Where the host drives syncing (Electron: `HostBridge.sync`), the page only relays: the
 * host's commands to the worker, the worker's events and the open case to the host. Progress also
 * lands in IndexedDB, which is what the screens follow; the events serve banners and status.
 */
export class SyncWorkerClient {
  readonly events = new Emitter<SyncClientEvents>();
  private worker: Worker | undefined;
  private link: SyncHostLink | undefined;
  private focusId: string | null = null;
  private current: EngineStatus = { state: 'idle' };

  status(): EngineStatus {
    return this.current;
  }

  /** From now on the host drives the worker; returns the function that detaches. */
  connectHost(link: SyncHostLink): () => void {
    this.link = link;
    this.worker ??= this.spawn();
    const detach = link.attach((command) => this.send(command));
    link.caseOpened(this.focusId);
    return () => {
      detach();
      if (this.link === link) this.link = undefined;
    };
  }

  /**
   * Loads the worker ahead of need (on the sign-in screen), so that signing in does not also
   * wait for its code; it does nothing until started. Where a host drives it, it is loaded anyway.
   */
  prepare(): void {
    this.worker ??= this.spawn();
  }

  start(backendBaseUrl: string): void {
    if (this.link) return; // the host decides
    this.worker ??= this.spawn();
    this.send({ type: 'start', backendBaseUrl });
    if (this.focusId !== null) this.send({ type: 'focus', caseId: this.focusId });
  }

  stop(): void {
    if (this.link) return;
    if (this.worker) this.send({ type: 'stop' });
  }

  /** The case the radiologist has open; `null` when back on the worklist. */
  focus(caseId: string | null): void {
    if (caseId === this.focusId) return;
    this.focusId = caseId;
    if (this.link) this.link.caseOpened(caseId);
    else if (this.worker) this.send({ type: 'focus', caseId });
  }

  /**
   * The viewer waits for these images: the worker fetches them before anything else. Sent to the
   * worker directly in both modes (the host decides when to sync, not what the reader looks at).
   */
  want(sopInstanceUids: readonly string[]): void {
    if (this.worker && sopInstanceUids.length)
      this.send({ type: 'want', sopInstanceUids: sopInstanceUids.slice(0, 256) });
  }

  /** Carry on now: the network is back, there is room again, or the user signed in again. */
  resume(): void {
    if (this.link) return;
    if (this.worker) this.send({ type: 'resume' });
  }

  /** The user changed the cache limit (the worker evicts at once); in both modes. */
  setBudget(budgetBytes: number | null): void {
    if (this.worker) this.send({ type: 'setBudget', budgetBytes });
  }

  private send(command: SyncCommand): void {
    this.worker?.postMessage(SyncCommand.parse(command));
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./sync.worker.ts', import.meta.url), {
      type: 'module',
      name: 'tandem-sync',
    });
    // The worker stores nothing until it knows how to seal images at rest.
    cacheKeyState().then(
      ({ key, sealNew }) => this.send({ type: 'cacheKey', key, sealNew }),
      (err: unknown) => {
        console.error('sync: no key for the image cache', err);
        this.current = {
          state: 'failed',
          code: 'cache-key',
          message:
            'Tandem cannot open its image cache on this workstation. Sign in again; if it persists, tell your administrator.',
        };
        this.events.emit('status', this.current);
      },
    );
    onCheckedMessage(
      worker,
      SyncEvent,
      'sync: ignored a message from the worker that is not a sync event',
      (message) => {
        this.reportToHost(message);
        if (message.type === 'status') {
          this.current = message.status;
          this.events.emit('status', message.status);
        } else if (message.type === 'progress') {
          this.events.emit('progress', message.progress);
        } else {
          this.events.emit('worklist', {
            count: message.count,
            at: message.at,
            items: message.items,
          });
        }
      },
    );
    worker.addEventListener('error', (event) => {
      console.error('sync: the worker failed', event.message);
      this.current = {
        state: 'failed',
        code: 'worker',
        message:
          'Syncing stopped unexpectedly. Reload Tandem; if it persists, tell your administrator.',
      };
      this.reportToHost({ type: 'status', status: this.current });
      this.events.emit('status', this.current);
    });
    return worker;
  }

  private reportToHost(event: SyncEvent): void {
    if (!this.link) return;
    try {
      // the host needs the count, not the list (which it would copy across IPC)
      this.link.report(
        event.type === 'worklist' ? { type: 'worklist', count: event.count, at: event.at } : event,
      );
    } catch (err) {
      console.warn('sync: the host did not take an event', err);
    }
  }
}

/** The page's one sync worker. */
export const syncClient = new SyncWorkerClient();
