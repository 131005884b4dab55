import type { Rectangle } from 'electron';
import type { ViewportPlacement } from '../../shared/ipc/shell-link.ts';
import {
  arrangementKey,
  boundsOn,
  isMostlyOn,
  orderedDisplays,
  type LayoutFile,
  type LayoutStore,
  type ScreenDisplay,
  type ScreenPort,
  type WindowPlacement,
  type WindowRole,
} from './display-layout.ts';
import type { Logger } from './logger.ts';
import type { WindowHandle } from './main-window.ts';

export interface WindowManagerOptions {
  screen: ScreenPort;
  store: LayoutStore;
  /** Opens a reading window at `bounds`; `route` (a hash) opens it straight on a case. */
  open: (bounds: Rectangle, role: WindowRole, route?: string) => WindowHandle;
  /** Sends a page the case and viewports to show (an images window that is already open). */
  showViewports: (window: WindowHandle, caseId: string, viewports: ViewportPlacement[]) => void;
  log: Logger;
}

interface Managed {
  window: WindowHandle;
  role: WindowRole;
  /** the display this window belongs on, even while it is unplugged */
  homeDisplayId: number;
  /** where on it */
  homeBounds: Rectangle;
  /** moved off its home display because that was unplugged */
  displaced: boolean;
}

/**
 * One window per chosen display, each with a role (worklist/report, or images), remembered per
 * display arrangement (`arrangementKey`) in the layout file. When a display is unplugged its
 * windows move to the primary display; when it comes back they return to where they were.
 * A hanging-protocol stage puts viewports on display N by opening (or reusing) an images window
 * there.
 */
export class WindowManager {
  private readonly options: WindowManagerOptions;
  private readonly managed: Managed[] = [];
  private layout: LayoutFile = {};
  private saving: Promise<void> = Promise.resolve();

  constructor(options: WindowManagerOptions) {
    this.options = options;
    options.screen.on('display-removed', (_event, display) => this.displayRemoved(display));
    options.screen.on('display-added', (_event, display) => this.displayAdded(display));
  }

  /** Opens the windows remembered for the current arrangement (default: a worklist window on the primary display). */
  async openAll(): Promise<void> {
    this.layout = await this.options.store.load();
    const remembered = this.layout[this.key()] ?? [];
    const placements: WindowPlacement[] = remembered.some((p) => p.role === 'worklist')
      ? remembered
      : [{ role: 'worklist', displayId: this.primary().id }, ...remembered];
    const ordered = orderedDisplays(this.options.screen.getAllDisplays(), this.primary().id);
    for (const placement of placements) {
      const display = this.displayById(placement.displayId) ?? this.primary();
      // An images window comes back empty, waiting on its display for the next case's stage.
      const index = ordered.findIndex((d) => d.id === display.id);
      const route = placement.role === 'images' && index > 0 ? `#/display/${index}` : undefined;
      this.openOn(display, placement.role, placement.bounds, route);
    }
    if (remembered.length > 0) {
      this.options.log.info(`restored ${placements.length} window(s) for this display arrangement`);
    }
  }

  windows(): WindowHandle[] {
    return this.managed.map((m) => m.window);
  }

  /** The worklist window (opened again if it was closed). */
  mainWindow(): WindowHandle {
    const found = this.managed.find((m) => m.role === 'worklist');
    if (found) return found.window;
    return this.openOn(this.primary(), 'worklist').window;
  }

  /**
   * Shows these viewports of a case on display `index` (0: primary, then left to right) in an
   * images window there, opened if there is none. False when there is no such display.
   */
  placeViewports(index: number, caseId: string, viewports: ViewportPlacement[]): boolean {
    const displays = orderedDisplays(this.options.screen.getAllDisplays(), this.primary().id);
    const display = displays[index];
    if (!display) {
      this.options.log.warn(
        `a hanging protocol asked for display ${index + 1}, but ${displays.length} are connected`,
      );
      return false;
    }
    const existing = this.managed.find(
      (m) => m.role === 'images' && m.homeDisplayId === display.id && !m.window.isDestroyed(),
    );
    if (existing) {
      this.options.showViewports(existing.window, caseId, viewports);
      return true;
    }
    // the images route hangs the second-display viewports of the reading window's stage
    this.openOn(display, 'images', undefined, `#/cases/${caseId}/display/${index}`);
    this.persist();
    return true;
  }

  /** The placements of the current arrangement, as they would be saved now. */
  placements(): WindowPlacement[] {
    return this.managed.map((m) => ({
      role: m.role,
      displayId: m.homeDisplayId,
      bounds: m.homeBounds,
    }));
  }

  /** Waits for pending writes of the layout file. */
  flush(): Promise<void> {
    return this.saving;
  }

  private openOn(
    display: ScreenDisplay,
    role: WindowRole,
    remembered?: Rectangle,
    route?: string,
  ): Managed {
    const bounds = boundsOn(display, remembered);
    const window = this.options.open(bounds, role, route);
    const entry: Managed = {
      window,
      role,
      homeDisplayId: display.id,
      homeBounds: bounds,
      displaced: false,
    };
    this.managed.push(entry);
    window.on('closed', () => {
      const i = this.managed.indexOf(entry);
      if (i >= 0) this.managed.splice(i, 1);
      // Closing the last window quits the app: keep what was open then.
      if (this.managed.length > 0) this.persist();
    });
    window.on('moved', () => {
      // Moves main makes while a display is unplugged are not the user's choice.
      if (entry.displaced) return;
      const now = window.getBounds();
      const onto = this.options.screen.getAllDisplays().find((d) => isMostlyOn(now, d));
      if (onto) entry.homeDisplayId = onto.id;
      entry.homeBounds = now;
      this.persist();
    });
    return entry;
  }

  private displayRemoved(display: ScreenDisplay): void {
    const primary = this.primary();
    for (const entry of this.managed) {
      if (entry.homeDisplayId !== display.id || entry.window.isDestroyed()) continue;
      entry.displaced = true;
      entry.window.setBounds(primary.workArea);
    }
    const moved = this.managed.filter((m) => m.displaced).length;
    if (moved > 0) this.options.log.info(`a display was unplugged: ${moved} window(s) moved`);
  }

  private displayAdded(display: ScreenDisplay): void {
    for (const entry of this.managed) {
      if (entry.homeDisplayId !== display.id || entry.window.isDestroyed()) continue;
      entry.window.setBounds(boundsOn(display, entry.homeBounds));
      entry.displaced = false;
    }
  }

  private key(): string {
    return arrangementKey(this.options.screen.getAllDisplays());
  }

  private primary(): ScreenDisplay {
    return this.options.screen.getPrimaryDisplay();
  }

  private displayById(id: number): ScreenDisplay | undefined {
    return this.options.screen.getAllDisplays().find((d) => d.id === id);
  }

  private persist(): void {
    this.layout = { ...this.layout, [this.key()]: this.placements() };
    const snapshot = this.layout;
    this.saving = this.saving
      .then(() => this.options.store.save(snapshot))
      .catch(() => this.options.log.warn('the window layout could not be saved'));
  }
}
