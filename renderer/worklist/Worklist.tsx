import { DisplayQaBadge } from '../display-qa/DisplayQaBadge.tsx';
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';
import type { WorklistItem } from '../../shared/api/contract.ts';
import { useConnection } from '../app/connection-store.ts';
import { navigate } from '../app/route.ts';
import { useSyncStatus } from '../app/sync-status-store.ts';
import { ImportPanel } from '../import/ImportPanel.tsx';
import { moveSelection } from './selection-keys.ts';
import { useCachedWorklist } from './use-cached-worklist.ts';
import { useNow } from './use-now.ts';
import { syncWindow } from './sync-window.ts';
import { useSyncStates } from './use-sync-states.ts';
import { WorklistRow } from './WorklistRow.tsx';
import {
  DEFAULT_SORT,
  sortAssignments,
  toggleSort,
  type SortColumn,
  type WorklistSort,
} from './worklist-sort.ts';

/** The case last opened and the order chosen, so coming back from a case keeps the place. */
let lastOpenedCaseId: string | undefined;
let lastSort: WorklistSort = DEFAULT_SORT;

/** A row's height before it is measured (one line of text and the sync bar). */
const ROW_ESTIMATE_PX = 45;
/** Rows rendered beyond each edge of the screen, so a key press or a short scroll finds them. */
const OVERSCAN_ROWS = 10;
/**
 * A list this short is rendered whole (it costs little), so the browser's find-in-page and
 * anything that looks for a row by its case see every row; longer lists render what is on screen.
 */
const RENDER_ALL_UP_TO = 150;

const COLUMNS: ReadonlyArray<{ label: string; sort?: SortColumn; className?: string }> = [
  { label: 'Priority', sort: 'priority' },
  { label: 'Due', sort: 'due' },
  { label: 'Patient', sort: 'patient' },
  { label: 'Modality', sort: 'modality' },
  { label: 'Body part', sort: 'bodyPart' },
  { label: 'Description', sort: 'description' },
  { label: 'Subspecialty', sort: 'subspecialty' },
  { label: 'Kind', sort: 'kind' },
  { label: 'Priors', sort: 'priors', className: 'num' },
  { label: 'On this workstation' },
];

/**
 * The assigned cases, from this workstation's cache: the sync worker keeps it up to date while
 * the server can be reached, and it stays readable when it cannot. A virtual list: only the rows
 * on screen (and a few beyond) are in the page, so 10,000 assignments cost what 50 do.
 */
export function Worklist({ prepareViewer }: { prepareViewer?: () => () => void } = {}) {
  const entries = useCachedWorklist();
  const { worklistCount, engine } = useSyncStatus();
  const connection = useConnection();
  const [sort, setSort] = useState<WorklistSort>(lastSort);
  // The selected case, and its place when it was selected: a case that leaves the list (reported
  // elsewhere, unassigned) hands the selection to its neighbour, not to the top of the list.
  const [selection, setSelection] = useState<{ caseId?: string; index: number }>({ index: 0 });
  const now = useNow(30_000);
  const tableRef = useRef<HTMLTableElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLTableSectionElement>(null);
  const [headHeight, setHeadHeight] = useState(0);

  const items = useMemo(() => sortAssignments(entries ?? [], sort), [entries, sort]);
  const indexOf = useMemo(() => new Map(items.map((item, i) => [item.caseId, i])), [items]);
  const selected = Math.min(
    (selection.caseId !== undefined ? indexOf.get(selection.caseId) : undefined) ?? selection.index,
    Math.max(0, items.length - 1),
  );
  // Nothing cached yet: say "no cases" only once the server said so (or cannot say anything).
  const loading =
    entries === undefined ||
    (items.length === 0 &&
      worklistCount !== 0 &&
      connection === 'online' &&
      engine.state !== 'failed');
  const ready = !loading;

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE_PX,
    getItemKey: useCallback((i: number) => items[i]?.caseId ?? i, [items]),
    overscan: items.length <= RENDER_ALL_UP_TO ? RENDER_ALL_UP_TO : OVERSCAN_ROWS,
    // the sticky header sits above the rows, inside the scrolled box
    scrollMargin: headHeight,
    scrollPaddingStart: headHeight,
    // before the box is measured, render a screenful rather than nothing
    initialRect: { width: 1280, height: 1000 },
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0];
  const last = rows.at(-1);
  const padTop = first ? first.start - headHeight : 0;
  const padBottom = last ? Math.max(0, virtualizer.getTotalSize() - (last.end - headHeight)) : 0;

  const [from, to] = syncWindow(first?.index ?? 0, last?.index ?? -1, items.length);
  const windowIds = useMemo(
    () => items.slice(from, to).map((item) => item.caseId),
    [items, from, to],
  );
  const syncStates = useSyncStates(windowIds);

  useLayoutEffect(() => {
    if (ready) setHeadHeight(headRef.current?.offsetHeight ?? 0);
  }, [ready]);

  // The list is shown: now the viewer may be prepared in idle time (not while the list loads).
  useEffect(() => {
    if (ready && prepareViewer) return prepareViewer();
  }, [ready, prepareViewer]);

  // When the list first arrives: back to the case last opened, keyboard on the list.
  const placed = useRef(false);
  useEffect(() => {
    if (!ready || placed.current) return;
    placed.current = true;
    const last = lastOpenedCaseId !== undefined ? indexOf.get(lastOpenedCaseId) : undefined;
    if (last !== undefined) setSelection({ caseId: lastOpenedCaseId, index: last });
    tableRef.current?.focus();
  }, [ready, indexOf]);

  // The selected row stays on screen, wherever the keyboard or a new order took it. Not after a
  // click: scrolling between the press and the release would move another row under the pointer.
  const reveal = useRef(true);
  useEffect(() => {
    if (ready && items.length > 0 && reveal.current) virtualizer.scrollToIndex(selected);
  }, [ready, selected, items.length, virtualizer]);

  const select = useCallback((caseId: string, index: number) => {
    reveal.current = false;
    setSelection({ caseId, index });
  }, []);
  const open = useCallback((item: WorklistItem | undefined) => {
    if (!item) return;
    lastOpenedCaseId = item.caseId;
    navigate({ name: 'case', caseId: item.caseId });
  }, []);

  function sortBy(column: SortColumn) {
    const next = toggleSort(sort, column);
    lastSort = next;
    reveal.current = true;
    setSort(next);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.target !== event.currentTarget) return; // a header's sort button has the focus
    const visibleRows = ((scrollRef.current?.clientHeight ?? 0) - headHeight) / ROW_ESTIMATE_PX - 1;
    const to = moveSelection(event.key, selected, items.length, visibleRows);
    if (to !== undefined) {
      event.preventDefault();
      reveal.current = true;
      setSelection({ caseId: items[to]?.caseId, index: to });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      open(items[selected]);
    }
  }

  return (
    <main className="worklist-screen">
      <div className="toolbar">
        <h2>Worklist</h2>
        <span className="muted">
          {ready && `${items.length} case${items.length === 1 ? '' : 's'}`}
        </span>
        <span className="spacer" />
        <DisplayQaBadge />
        <span className="muted hint">↑↓ select · Enter open · click a heading to sort</span>
      </div>
      <div className="toolbar">
        <ImportPanel />
      </div>
      {loading && <p className="muted pad">Loading the worklist…</p>}
      {ready && (
        <div className="worklist-scroll" ref={scrollRef}>
          <table
            className="worklist"
            data-testid="worklist"
            ref={tableRef}
            tabIndex={0}
            onKeyDown={onKeyDown}
            aria-label="Assigned cases"
            aria-rowcount={items.length + 1}
          >
            <thead ref={headRef}>
              <tr aria-rowindex={1}>
                {COLUMNS.map(({ label, sort: column, className }) => (
                  <th
                    key={label}
                    className={className}
                    aria-sort={
                      column === undefined
                        ? undefined
                        : column === sort.column
                          ? sort.direction
                          : 'none'
                    }
                  >
                    {column === undefined ? (
                      label
                    ) : (
                      <button type="button" className="sort" onClick={() => sortBy(column)}>
                        {label}
                        {column === sort.column && (
                          <span aria-hidden="true">
                            {sort.direction === 'ascending' ? ' ▲' : ' ▼'}
                          </span>
                        )}
                      </button>
                    )}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.length === 0 && (
                <tr className="empty">
                  <td colSpan={COLUMNS.length}>
                    {connection === 'offline' && worklistCount === null
                      ? 'No cases are cached on this workstation.'
                      : 'No cases are assigned to you.'}
                  </td>
                </tr>
              )}
              {padTop > 0 && (
                <tr className="virtual-pad" aria-hidden="true">
                  <td colSpan={COLUMNS.length} style={{ height: padTop }} />
                </tr>
              )}
              {rows.map((row) => {
                const item = items[row.index];
                if (!item) return null;
                return (
                  <WorklistRow
                    key={item.caseId}
                    item={item}
                    sync={syncStates.get(item.caseId)}
                    now={now}
                    index={row.index}
                    selected={row.index === selected}
                    onSelect={select}
                    onOpen={open}
                    measure={virtualizer.measureElement}
                  />
                );
              })}
              {padBottom > 0 && (
                <tr className="virtual-pad" aria-hidden="true">
                  <td colSpan={COLUMNS.length} style={{ height: padBottom }} />
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
