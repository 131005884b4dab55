import { useEffect, useRef, useState } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import { protocolFromHanging, userProtocolId } from '../../shared/hanging/protocol-from-hanging.ts';
import { userMessage } from '../app/user-message.ts';
import { getLayout } from '../viewer/layout-model.ts';
import { currentShortcutMap } from '../settings/shortcut-settings.ts';
import { actionForKey, keyName } from '../viewer/shortcuts.ts';
import { isHangingAction } from './hanging-shortcuts.ts';
import { useHanging } from './use-hanging.ts';
import { exportProtocol, importProtocolFile, saveUserProtocol } from './user-protocols.ts';
import './hanging.css';

/**
 * The hanging protocol of the open case: which protocol and stage is hung (`hp-stage`), keys and
 * buttons to step stages and protocols, and saving the current hanging as the reader's own
 * protocol, exporting it and importing one from a file.
 */
export function HangingBar({ caseId, detail }: { caseId: string; detail: CaseDetail }) {
  const hanging = useHanging(caseId, detail);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<{ kind: 'error' | 'info'; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  // The keys act on the hanging on screen: read through a ref set as it renders, so a key
  // pressed the moment a protocol shows is not lost to a listener of the previous render.
  const current = useRef(hanging);
  current.current = hanging;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target)) return;
      const action = actionForKey(currentShortcutMap(), keyName(event));
      if (!isHangingAction(action)) return;
      event.preventDefault();
      const h = current.current;
      if (action === 'hp-next-stage') h?.stepStage(1);
      else if (action === 'hp-prev-stage') h?.stepStage(-1);
      else if (action === 'hp-next-protocol') h?.stepProtocol(1);
      else h?.stepProtocol(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!hanging) {
    return (
      <div className="hanging-bar" data-testid="hp-stage" data-state="loading">
        Choosing a hanging protocol…
      </div>
    );
  }
  const { stage, match, matches, stagePosition } = hanging;

  const save = async () => {
    const layout = getLayout();
    const trimmed = name.trim();
    if (!layout || trimmed === '') return;
    try {
      const protocol = protocolFromHanging(
        layout,
        hanging.studies,
        userProtocolId(trimmed, Date.now().toString(36)),
        trimmed,
      );
      await saveUserProtocol(protocol);
      hanging.choose(protocol.id);
      setNaming(false);
      setName('');
      setNotice({
        kind: 'info',
        text: `Saved “${protocol.name}”: it hangs studies like this one from now on.`,
      });
    } catch (error) {
      setNotice({ kind: 'error', text: userMessage(error) });
    }
  };

  const importFile = async (file: File) => {
    try {
      const protocol = await importProtocolFile(file);
      hanging.choose(protocol.id);
      setNotice({ kind: 'info', text: `Imported “${protocol.name}”.` });
    } catch (error) {
      setNotice({ kind: 'error', text: userMessage(error) });
    }
  };

  return (
    <div className="hanging-bar">
      <div
        className="hp-stage"
        data-testid="hp-stage"
        data-state="ready"
        data-protocol-id={stage.protocolId}
        data-stage-id={stage.stageId}
        title={match.protocol.description}
      >
        <strong>{stage.protocolName}</strong> · {stage.stageName}{' '}
        <span className="muted">
          (stage {stagePosition + 1}/{match.stages.length})
        </span>
      </div>
      <div className="hp-actions">
        <button
          type="button"
          onClick={() => hanging.stepStage(-1)}
          title="Previous stage (Shift+S)"
        >
          ‹ Stage
        </button>
        <button type="button" onClick={() => hanging.stepStage(1)} title="Next stage (s)">
          Stage ›
        </button>
        <select
          aria-label="Hanging protocol (d: next, Shift+D: previous)"
          data-testid="hp-protocol-select"
          value={match.protocol.id}
          onChange={(e) => hanging.choose(e.target.value)}
        >
          {matches.map((m) => (
            <option key={m.protocol.id} value={m.protocol.id}>
              {m.protocol.name}
              {m.protocol.source === 'user' ? ' (mine)' : ''}
            </option>
          ))}
        </select>
        {naming ? (
          <form
            className="hp-save-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <input
              aria-label="Name of the new protocol"
              data-testid="hp-save-name"
              value={name}
              autoFocus
              maxLength={80}
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => e.key === 'Escape' && setNaming(false)}
            />
            <button type="submit" data-testid="hp-save-confirm" disabled={name.trim() === ''}>
              Save
            </button>
          </form>
        ) : (
          <button type="button" data-testid="hp-save" onClick={() => setNaming(true)}>
            Save hanging…
          </button>
        )}
        <button type="button" onClick={() => exportProtocol(match.protocol)}>
          Export
        </button>
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          hidden
          data-testid="hp-import-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </div>
      {notice && (
        <p
          className={notice.kind === 'error' ? 'hp-notice error' : 'hp-notice'}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="hp-notice"
        >
          {notice.text}
        </p>
      )}
    </div>
  );
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}
