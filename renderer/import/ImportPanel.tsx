import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect, useRef, useState, type ChangeEvent } from 'react';
import { isLocalCaseId } from '../../shared/cache/local-case.ts';
import { cacheDb } from '../app/local-cache.ts';
import { formatPersonName } from '../app/person-name.ts';
import { navigate } from '../app/route.ts';
import { filesOfDrop, filesOfInput } from './collect-files.ts';
import { importStore, startImport, useImportState } from './import-store.ts';
import { attachLocalCase } from './local-import.ts';
import './import.css';

/**
 * Local import (a patient's CD): pick files or a folder, or drop them anywhere on the worklist.
 * Shows progress while files are read and stored, then what was imported, every file that was
 * not with the reason, and lets the radiologist open the local case or attach it to an assigned one.
 */
export function ImportPanel() {
  const state = useImportState();
  const folderInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  // `webkitdirectory` is not in React's attribute list: set it on the element.
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  // Drop files or folders anywhere while the worklist is shown.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    const onLeave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const onDrop = (e: DragEvent) => {
      if (!hasFiles(e) || !e.dataTransfer) return;
      e.preventDefault();
      setDragging(false);
      filesOfDrop(e.dataTransfer).then(startImport, (err: unknown) =>
        console.error('import: could not read what was dropped', err),
      );
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  const onPick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = filesOfInput(e.target.files);
    e.target.value = ''; // picking the same files again imports them again
    void startImport(files);
  };

  const running = state.state === 'running';
  return (
    <div className="import-panel" data-testid="import-panel">
      <label className={`import-button${running ? ' disabled' : ''}`}>
        Import DICOM files…
        <input
          type="file"
          multiple
          data-testid="import-input"
          disabled={running}
          onChange={onPick}
        />
      </label>
      <label className={`import-button${running ? ' disabled' : ''}`}>
        Import a folder…
        <input
          ref={folderInput}
          type="file"
          multiple
          data-testid="import-folder-input"
          disabled={running}
          onChange={onPick}
        />
      </label>
      {dragging && <div className="import-drop-hint">Drop files or folders to import them</div>}
      {state.state === 'running' && (
        <div className="import-status" data-testid="import-status" data-state="running">
          <progress
            data-testid="import-progress"
            aria-label="Files imported"
            max={Math.max(1, state.progress.files)}
            value={state.progress.done}
          />
          <span className="muted">
            Importing {state.progress.done}/{state.progress.files} files
            {state.progress.rejected.length > 0 &&
              ` · ${state.progress.rejected.length} not imported`}
          </span>
        </div>
      )}
      {state.state === 'failed' && (
        <div className="import-status error-notice" role="alert" data-state="failed">
          {state.message}
        </div>
      )}
      {state.state === 'done' && <ImportResult />}
    </div>
  );
}

function ImportResult() {
  const state = useImportState();
  const result = state.state === 'done' ? state.result : undefined;
  const targets = useLiveQuery(
    async () =>
      (await cacheDb().assignments.toArray()).filter(
        (a) => !isLocalCaseId(a.caseId) && a.status !== 'cancelled',
      ),
    [],
  );
  const [target, setTarget] = useState('');
  const [attached, setAttached] = useState<string | null>(null);
  if (!result) return null;
  const { imported, rejected, files, caseId } = result;
  const attach = () => {
    if (!target) return;
    attachLocalCase(cacheDb(), caseId, target).then(
      () => setAttached(target),
      (err: unknown) => console.error('import: attach failed', err),
    );
  };
  return (
    <div
      className="import-status"
      data-testid="import-result"
      data-state="done"
      data-case-id={caseId}
      data-imported={imported}
      data-rejected={rejected.length}
    >
      <p>
        {imported > 0
          ? `Imported ${imported} image${imported === 1 ? '' : 's'} of ${files} file${files === 1 ? '' : 's'} as a local case.`
          : `None of the ${files} files could be imported.`}{' '}
        {imported > 0 && (
          <button type="button" onClick={() => navigate({ name: 'case', caseId })}>
            Open
          </button>
        )}{' '}
        <button type="button" onClick={() => importStore.dismiss()}>
          Close
        </button>
      </p>
      {imported > 0 && targets && targets.length > 0 && (
        <p>
          <label>
            Attach to case{' '}
            <select
              data-testid="import-attach-target"
              value={target}
              onChange={(e) => setTarget(e.target.value)}
            >
              <option value="">choose…</option>
              {targets.map((a) => (
                <option key={a.caseId} value={a.caseId}>
                  {formatPersonName(a.patientName)} · {a.description}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" disabled={!target} onClick={attach}>
            Attach
          </button>
          {attached && (
            <span className="muted" data-testid="import-attached">
              {' '}
              Attached: its studies are now priors of that case.
            </span>
          )}
        </p>
      )}
      {rejected.length > 0 && (
        <details open={rejected.length <= 20}>
          <summary>
            {rejected.length} file{rejected.length === 1 ? '' : 's'} not imported
          </summary>
          <ul className="import-rejected">
            {rejected.map((r) => (
              <li key={r.name} data-testid="import-rejected" data-file-name={r.name}>
                <span className="file-name">{r.name}</span>: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
