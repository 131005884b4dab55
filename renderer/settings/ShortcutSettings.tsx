import { useState } from 'react';
import {
  actionLabel,
  defaultShortcutMap,
  keyName,
  SHORTCUT_ACTIONS,
  shortcutConflicts,
  type ShortcutMap,
} from '../viewer/shortcuts.ts';
import { currentShortcutMap, saveShortcuts } from './shortcut-settings.ts';
import './shortcut-settings.css';

/**
 * The viewer's shortcuts, each changeable by pressing the new key in its field. A key bound to
 * two actions is named and blocks saving.
 */
export function ShortcutSettings() {
  const [draft, setDraft] = useState<ShortcutMap>(() => currentShortcutMap());
  const [saved, setSaved] = useState(false);
  const conflicts = shortcutConflicts(draft);

  const set = (id: string, keys: readonly string[]) => {
    setDraft({ ...draft, [id]: keys });
    setSaved(false);
  };

  return (
    <section data-testid="shortcut-settings">
      <h3>Viewer shortcuts</h3>
      <p className="muted small">
        Click a field and press the key (Backspace clears it). Esc closes the dialog.
      </p>
      {conflicts.size > 0 && (
        <p className="form-error shortcut-conflict" role="alert" data-testid="shortcut-conflicts">
          {[...conflicts]
            .map(([key, ids]) => `${key}: ${ids.map(actionLabel).join(' and ')}`)
            .join('; ')}
        </p>
      )}
      <div className="shortcut-table">
        {SHORTCUT_ACTIONS.map((a) => (
          <label key={a.id} className="shortcut-row">
            <span>{a.label}</span>
            <input
              readOnly
              data-action={a.id}
              value={(draft[a.id] ?? []).join(' ')}
              onKeyDown={(e) => {
                if (e.key === 'Escape' || e.key === 'Tab') return;
                e.preventDefault();
                if (['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) return;
                if (e.key === 'Backspace' || e.key === 'Delete') set(a.id, []);
                else set(a.id, [keyName(e)]);
              }}
            />
          </label>
        ))}
      </div>
      <div className="dialog-buttons">
        <button type="button" onClick={() => setDraft(defaultShortcutMap())}>
          Defaults
        </button>
        <button
          type="button"
          disabled={conflicts.size > 0}
          onClick={() => {
            void saveShortcuts(draft).then((r) => setSaved(r.ok));
          }}
        >
          Save shortcuts
        </button>
        {saved && <span className="muted small">Saved.</span>}
      </div>
    </section>
  );
}
