import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import { navigate } from '../app/route.ts';
import { useServices } from '../app/services.ts';
import { useNow } from './use-now.ts';
import { WorklistRow } from './WorklistRow.tsx';

/** The case last opened, so coming back from it keeps the place in the list. */
let lastOpenedCaseId: string | undefined;

type Load =
  | { state: 'loading' }
  | { state: 'error'; error: unknown }
  | { state: 'ready'; items: WorklistItem[] };

export function Worklist() {
  const { api } = useServices();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [selected, setSelected] = useState(0);
  const now = useNow(30_000);
  const tableRef = useRef<HTMLTableElement>(null);

  const refresh = useCallback(() => {
    let cancelled = false;
    api.worklist().then(
      (res) => {
        if (cancelled) return;
        setLoad({ state: 'ready', items: res.items });
        const last = res.items.findIndex((i) => i.caseId === lastOpenedCaseId);
        if (last >= 0) setSelected(last);
      },
      (error: unknown) => !cancelled && setLoad({ state: 'error', error }),
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  useEffect(refresh, [refresh]);

  const items = load.state === 'ready' ? load.items : [];
  useEffect(() => {
    if (load.state === 'ready') tableRef.current?.focus();
  }, [load.state]);

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
      open(items[selected]);
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
          {load.state === 'ready' && `${items.length} case${items.length === 1 ? '' : 's'}`}
        </span>
        <span className="spacer" />
        <span className="muted hint">↑↓ select · Enter open</span>
      </div>
      {load.state === 'error' && <ErrorNotice error={load.error} onRetry={refresh} />}
      {load.state === 'loading' && <p className="muted pad">Loading the worklist…</p>}
      {load.state === 'ready' && (
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
            </tr>
          </thead>
          <tbody>
            {items.length === 0 && (
              <tr className="empty">
                <td colSpan={9}>No cases are assigned to you.</td>
              </tr>
            )}
            {items.map((item, index) => (
              <WorklistRow
                key={item.caseId}
                item={item}
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
