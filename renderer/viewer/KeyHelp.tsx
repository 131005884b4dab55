import { Fragment } from 'react';
import { presetsFor } from './voi-presets.ts';
import { SHORTCUT_ACTIONS, type ShortcutMap } from './shortcuts.ts';

const SUMMARY = [
  'next-image',
  'page-down',
  'reset',
  'maximize',
  'layout-cycle',
  'toggle-link',
  'tool-length',
  'key-measure',
  'mpr',
  'help',
];

function keysText(map: ShortcutMap, id: string): string {
  return (map[id] ?? []).join(' ');
}

/** The reading shortcuts most used, always in view; `?` shows them all. */
export function KeyHelp({ modality, map }: { modality: string | undefined; map: ShortcutMap }) {
  return (
    <section className="panel key-help" aria-label="Keyboard shortcuts">
      <h3>Keys</h3>
      <dl>
        <dt>Wheel</dt>
        <dd>Previous / next image</dd>
        <dt>Left drag</dt>
        <dd>Window / level (or the chosen tool)</dd>
        <dt>Right drag, middle drag</dt>
        <dd>Zoom, pan</dd>
        {presetsFor(modality).map((p) => (
          <Fragment key={p.key}>
            <dt>{p.key}</dt>
            <dd>
              {p.name} (W {p.windowWidth} L {p.windowCenter})
            </dd>
          </Fragment>
        ))}
        {SUMMARY.map((id) => (
          <Fragment key={id}>
            <dt>{keysText(map, id)}</dt>
            <dd>{SHORTCUT_ACTIONS.find((a) => a.id === id)?.label}</dd>
          </Fragment>
        ))}
        <dt>[ ]</dt>
        <dd>Previous / next series</dd>
        <dt>Esc</dt>
        <dd>Back to the worklist (in the report: back to the images)</dd>
      </dl>
    </section>
  );
}

/** Every shortcut, with the keys in force (`?`). */
export function ShortcutHelp({ map, onClose }: { map: ShortcutMap; onClose: () => void }) {
  return (
    <div className="dialog-backdrop" onMouseDown={onClose}>
      <div
        className="dialog shortcut-help"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        data-testid="shortcut-help"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <dl>
          {SHORTCUT_ACTIONS.map((a) => (
            <Fragment key={a.id}>
              <dt>
                <kbd>{keysText(map, a.id) || '—'}</kbd>
              </dt>
              <dd>{a.label}</dd>
            </Fragment>
          ))}
        </dl>
        <p className="muted">Change them in Settings. Esc or ? closes this.</p>
      </div>
    </div>
  );
}
