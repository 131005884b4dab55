import { DisplayQaBadge } from '../display-qa/DisplayQaBadge.tsx';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { useConnection } from '../app/connection-store.ts';
import { navigate } from '../app/route.ts';
import { useSyncStatus } from '../app/sync-status-store.ts';
import { ImportPanel } from '../import/ImportPanel.tsx';
import { useCachedWorklist } from './use-cached-worklist.ts';
import { useNow } from './use-now.ts';
import { WorklistRow } from './WorklistRow.tsx';

/** The case last opened, so coming back from it keeps the place in the list. */
let lastOpenedCaseId: string | undefined;

/**
 * The assigned cases, from this workstation's cache: the sync worker keeps it up to date while
 * the server can be reached, and it stays readable when it cannot.
 */
export function Worklist() {
  const entries = useCachedWorklist();
  const { worklistCount, engine } = useSyncStatus();
  const connection = useConnection();
  const [selected, setSelected] = useState(0);
  const now = useNow(30_000);
  const tableRef = useRef<HTMLTableElement>(null);

  const items = useMemo(() => entries ?? [], [entries]);
  // Nothing cached yet: say "no cases" only once the server said so (or cannot say anything).
  const loading =
    entries === undefined ||
    (items.length === 0 &&
      worklistCount !== 0 &&
      connection === 'online' &&
      engine.state !== 'failed');
  const ready = !loading;

  // When the list first arrives: back to the case last opened, keyboard on the list.
  const placed = useRef(false);
  useEffect(() => {
    if (!ready || placed.current) return;
    placed.current = true;
    const last = items.findIndex((e) => e.item.caseId === lastOpenedCaseId);
    if (last >= 0) setSelected(last);
    tableRef.current?.focus();
  }, [ready, items]);

  function open(item: WorklistItem | undefined) {
    if (!item) return;
    lastOpenedCaseId = item.caseId;
    navigate({ name: 'case', caseId: item.caseId });
  }

  function onKeyDown(event: KeyboardEvent) {
    const last = items.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, selected + 1),
      ArrowUp: Math.max(0, selected - 1),
      Home: 0,
      End: last,
      PageDown: Math.min(last, selected + 10),
      PageUp: Math.max(0, selected - 10),
    };
    if (event.key in moves) {
      event.preventDefault();
      setSelected(moves[event.key]!);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(items[selected]?.item);
    }
  }

  useEffect(() => {
    tableRef.current
      ?.querySelector(`tbody tr:nth-child(${selected + 1})`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  return (
    <main className="worklist-screen">
      <div className="toolbar">
        <h2>Worklist</h2>
        <span className="muted">
          {ready && `${items.length} case${items.length === 1 ? '' : 's'}`}
        </span>
        <span className="spacer" />
        <DisplayQaBadge />
        <span className="muted hint">↑↓ select · Enter open</span>
      </div>
      <div className="toolbar">
        <ImportPanel />
      </div>
      {loading && <p className="muted pad">Loading the worklist…</p>}
      {ready && (
        <table
          className="worklist"
          data-testid="worklist"
          ref={tableRef}
          tabIndex={0}
          onKeyDown={onKeyDown}
          aria-label="Assigned cases"
        >
          <thead>
            <tr>
              <th>Priority</th>
              <th>Due</th>
              <th>Patient</th>
              <th>Modality</th>
              <th>Body part</th>
              <th>Description</th>
              <th>Subspecialty</th>
              <th>Kind</th>
              <th className="num">Priors</th>
              <th>On this workstation</th>
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr className="empty">
                <td colSpan={10}>
                  {connection === 'offline' && worklistCount === null
                    ? 'No cases are cached on this workstation.'
                    : 'No cases are assigned to you.'}
                </td>
              </tr>
            )}
            {items.map(({ item, sync }, index) => (
              <WorklistRow
                key={item.caseId}
                item={item}
                sync={sync}
                now={now}
                selected={index === selected}
                onSelect={() => setSelected(index)}
                onOpen={() => open(item)}
              />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
