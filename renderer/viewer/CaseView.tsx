import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { CaseDetail } from '../../shared/api/contract.ts';
import { isLocalCaseId } from '../../shared/cache/local-case.ts';
import type { SeriesSummary, StudySummary } from '../../shared/domain/case.ts';
import { connectionStore, useConnection } from '../app/connection-store.ts';
import { ErrorNotice } from '../app/ErrorNotice.tsx';
import { formatPersonName } from '../app/person-name.ts';
import { navigate } from '../app/route.ts';
import { useServices } from '../app/services.ts';
import { isUnreachable } from '../app/session-controller.ts';
import { useSession } from '../app/session-store.ts';
import { ReportDraftPanel } from '../report/ReportDraftPanel.tsx';
import { HangingBar } from '../hanging/HangingBar.tsx';
import { PriorReports } from '../hanging/PriorReports.tsx';
import { MeasurementComparison } from '../hanging/MeasurementComparison.tsx';
import { OriginalReportPanel } from '../second-opinion/OriginalReportPanel.tsx';
import { syncClient } from '../workers/sync-client.ts';
import { KIND_LABEL, PRIORITY_LABEL } from '../worklist/labels.ts';
import { useShortcutMap } from '../settings/shortcut-settings.ts';
import { ClinicalContextPanel } from './ClinicalContextPanel.tsx';
import { KeyHelp, ShortcutHelp } from './KeyHelp.tsx';
import {
  clearLayout,
  getLayout,
  layoutCaseId,
  linkAll,
  placeSeries,
  regrid,
  setLayout,
  STANDARD_GRIDS,
  updateLayout,
  useLayout,
  type SyncGroup,
  type ViewerLayout,
  type ViewportSpec,
} from './layout-model.ts';
import { MeasurementsPanel } from './MeasurementsPanel.tsx';
import { canReformat, isMprLayout, linkableGroups, mprLayout } from './mpr-model.ts';
import { releaseHeaderFiles, showReferenceLines } from './cornerstone-setup.ts';
import { toggleViewerOption, useViewerOptions } from './viewer-options.ts';
import { openMeasurementSession } from './measurement-store.ts';
import { SERIES_DRAG_TYPE, SeriesList, seriesLabel, type StudyGroup } from './SeriesList.tsx';
import { SeriesViewport } from './SeriesViewport.tsx';
import { linkViewports, setSliceDriver } from './sync-manager.ts';
import { actionForKey, keyName } from './shortcuts.ts';
import { ViewerToolbar } from './ViewerToolbar.tsx';
import {
  allViewportHandles,
  subscribeViewports,
  viewportHandle,
  viewportsVersion,
} from './viewport-registry.ts';
import { useCachedCase } from './use-cached-case.ts';
import { installTestHooks } from './test-hooks.ts';
import { beginOpening, markOpening } from './open-marks.ts';
import { beginFirstImages, endFirstImages, useFirstImagesShown } from './first-images.ts';
import { prefetchUserProtocols } from '../hanging/user-protocols.ts';
import './viewer.css';

/** What the server said when the case was opened. */
type Remote =
  | { state: 'loading' }
  | { state: 'unreachable' }
  | { state: 'refused'; error: unknown }
  | { state: 'ready'; detail: CaseDetail };

interface Entry {
  study: StudySummary;
  series: SeriesSummary;
}

/** How linking is decided: the layout's sync groups, everything, or nothing. */
type LinkMode = 'layout' | 'all' | 'none';

/** Display order of series: by series number, unnumbered last. */
function orderSeries(series: readonly SeriesSummary[]): SeriesSummary[] {
  return [...series].sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
}

function groupsOf(detail: CaseDetail): StudyGroup[] {
  const group = (study: StudySummary, role: StudyGroup['role']): StudyGroup => ({
    study,
    role,
    series: orderSeries(study.series),
  });
  return [group(detail.study, 'current'), ...detail.priors.map((p) => group(p, 'prior'))];
}

/**
 * One case: its context, the series of its study and of its priors, a viewport, the report draft.
 * Everything shown comes from this workstation's cache; while it is open the sync worker brings
 * this case first. The server is asked too when it can be reached — it confirms the case is
 * still this radiologist's, and shows a case the cache does not hold yet.
 */
export default function CaseView({ caseId }: { caseId: string }) {
  const { api } = useServices();
  const connection = useConnection();
  // The first images come first: the side panels and the report editor follow them
  // (first-images.ts); the reader's protocols are read alongside the case, not after it.
  useState(() => {
    beginOpening();
    beginFirstImages();
    prefetchUserProtocols();
  });
  useEffect(() => () => endFirstImages(), []);
  const panelsShown = useFirstImagesShown();
  const cached = useCachedCase(caseId);
  useEffect(() => {
    if (cached !== undefined) markOpening('case-read');
  }, [cached]);
  const [remote, setRemote] = useState<Remote>({ state: 'loading' });
  const [activeIndex, setActiveIndex] = useState(0);
  const [maximized, setMaximized] = useState<number | null>(null);
  const [linkMode, setLinkMode] = useState<LinkMode>('layout');
  const [helpOpen, setHelpOpen] = useState(false);
  const shortcutMap = useShortcutMap();
  const session = useSession();
  // A QA reviewer (or an administrator) opens a case's images to review them, not to read them:
  // no blinded original waiting for their own report (the QA screen compares both reads).
  const reviewing = session.status === 'signed-in' && session.user.role !== 'radiologist';
  const layout = useLayout();
  const viewportsRev = useSyncExternalStore(subscribeViewports, viewportsVersion);
  const pendingJump = useRef<{ index: number; sop: string } | null>(null);
  /** the layout MPR replaced, hung again when MPR is turned off */
  const beforeMpr = useRef<ViewerLayout | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const options = useViewerOptions();

  useEffect(() => {
    syncClient.focus(caseId);
    return () => syncClient.focus(null);
  }, [caseId]);

  useEffect(() => openMeasurementSession(caseId), [caseId]);
  useEffect(() => installTestHooks(), []);
  // The files read for their headers only (slice linking) are not kept past the case.
  useEffect(() => () => releaseHeaderFiles(), [caseId]);
  // The layout belongs to the open case: the next case starts from its own.
  useEffect(() => () => clearLayout(), [caseId]);

  const fetchCase = useCallback(() => {
    // a local import exists only in this workstation's cache: the server has nothing to say
    if (isLocalCaseId(caseId)) return;
    let cancelled = false;
    setRemote({ state: 'loading' });
    api.caseDetail(caseId).then(
      (detail) => !cancelled && setRemote({ state: 'ready', detail }),
      (error: unknown) => {
        if (cancelled) return;
        if (isUnreachable(error)) {
          connectionStore.set('offline');
          setRemote({ state: 'unreachable' });
        } else {
          setRemote({ state: 'refused', error });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [api, caseId]);
  useEffect(fetchCase, [fetchCase]);

  // Back online with a case the cache cannot show: ask again.
  const askAgain = connection === 'online' && remote.state === 'unreachable' && !cached;
  useEffect(() => {
    if (askAgain) return fetchCase();
  }, [askAgain, fetchCase]);

  const detail = cached ?? (remote.state === 'ready' ? remote.detail : undefined);
  const groups = useMemo(() => (detail ? groupsOf(detail) : []), [detail]);
  const flat = useMemo<Entry[]>(
    () => groups.flatMap((g) => g.series.map((series) => ({ study: g.study, series }))),
    [groups],
  );
  const specs = useMemo(() => flat.map(specOf), [flat]);

  // The hanging protocol (HangingBar) lays the case out as soon as it has read the reader's saved
  // protocols; should none have done so shortly after, one viewport with the first series (not at
  // once: that would flash a 1×1 before every hanging).
  const firstSpec = specs[0];
  useEffect(() => {
    if (!firstSpec) return;
    const fallback = () => {
      if (getLayout() && layoutCaseId() === caseId) return;
      setLayout({ rows: 1, columns: 1, viewports: [firstSpec], syncGroups: [] }, caseId);
    };
    const timer = setTimeout(fallback, 1_500);
    return () => clearTimeout(timer);
  }, [caseId, firstSpec]);

  const shown = layout && layoutCaseId() === caseId ? layout : null;
  const slotCount = shown ? shown.viewports.length : 0;
  const active = Math.min(activeIndex, Math.max(0, slotCount - 1));
  const activeSpec = shown?.viewports[active] ?? null;
  const activeEntry = activeSpec ? findEntry(flat, activeSpec) : undefined;

  // Linking with Cornerstone's synchronizers, rebuilt when viewports come and go.
  const syncGroups = useMemo<SyncGroup[]>(() => {
    if (!shown || linkMode === 'none') return [];
    // reformats follow each other through their crosshairs, not the slice synchronizer
    if (linkMode === 'all') return linkableGroups([linkAll(shown)], shown);
    return linkableGroups(shown.syncGroups, shown);
  }, [shown, linkMode]);
  useEffect(() => linkViewports(syncGroups, allViewportHandles()), [syncGroups, viewportsRev]);
  const linked = syncGroups.some((g) => g.viewportIndexes.length > 1);
  // The active viewport drives its slice groups (the keyboard scrolls it); wheeling or clicking
  // another makes that one drive (sync-manager).
  useEffect(() => {
    setSliceDriver(viewportHandle(active)?.viewportId ?? null);
  }, [active, viewportsRev]);

  // Reference lines: the active viewport's plane drawn across the others of its frame of reference.
  const activeHandle = viewportHandle(active);
  useEffect(() => {
    if (!options.referenceLines || !activeHandle) return showReferenceLines(null);
    return showReferenceLines(activeHandle);
  }, [options.referenceLines, activeHandle, viewportsRev]);
  useEffect(() => () => void showReferenceLines(null), []);

  // A notice (e.g. why MPR is not available) goes away by itself.
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);
  // MPR's way back belongs to the case it was opened in.
  useEffect(() => () => void (beforeMpr.current = null), [caseId]);

  const setGrid = useCallback(
    (rows: number, columns: number) => {
      setMaximized(null);
      updateLayout((l) => regrid(l, rows, columns, specs));
    },
    [specs],
  );
  const putSeries = useCallback((index: number, spec: ViewportSpec) => {
    updateLayout((l) => placeSeries(l, index, spec));
    setActiveIndex(index);
  }, []);

  // A pending "jump to image" runs as soon as its viewport shows the series.
  useEffect(() => {
    const jump = pendingJump.current;
    if (!jump) return;
    const handle = viewportHandle(jump.index);
    if (handle?.jumpTo(jump.sop)) pendingJump.current = null;
  }, [viewportsRev]);

  useEffect(() => {
    const onJump = (event: Event) => {
      const detail = (event as CustomEvent<{ seriesInstanceUid?: string; sopInstanceUid?: string }>)
        .detail;
      const current = getLayout();
      if (!detail?.seriesInstanceUid || !detail.sopInstanceUid || !current) return;
      let index = current.viewports.findIndex(
        (v) => v?.seriesInstanceUid === detail.seriesInstanceUid,
      );
      if (index < 0) {
        const entry = flat.find((e) => e.series.seriesInstanceUid === detail.seriesInstanceUid);
        if (!entry) return;
        index = Math.min(activeIndex, current.viewports.length - 1);
        updateLayout((l) => placeSeries(l, index, specOf(entry)));
      }
      setActiveIndex(index);
      setMaximized((m) => (m === null ? m : index));
      const handle = viewportHandle(index);
      if (
        handle &&
        handle.seriesUid === detail.seriesInstanceUid &&
        handle.jumpTo(detail.sopInstanceUid)
      ) {
        pendingJump.current = null;
      } else {
        pendingJump.current = { index, sop: detail.sopInstanceUid };
      }
    };
    window.addEventListener('tandem:jump-to-image', onJump);
    return () => window.removeEventListener('tandem:jump-to-image', onJump);
  }, [flat, activeIndex]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event.target)) {
        // Esc leaves the text for the images; a second Esc goes back to the worklist.
        if (event.key === 'Escape') (event.target as HTMLElement).blur();
        return;
      }
      if (['Shift', 'Control', 'Alt', 'Meta'].includes(event.key)) return;
      const name = keyName(event);
      const handle = viewportHandle(active);
      if (handle?.interceptKey(name)) {
        event.preventDefault();
        return;
      }
      if (helpOpen && (name === 'Escape' || name === '?')) {
        event.preventDefault();
        setHelpOpen(false);
        return;
      }
      const action = actionForKey(shortcutMap, name);
      if (!action) return;
      const grid = /^layout-(\d)x(\d)$/.exec(action);
      const current = getLayout();
      event.preventDefault();
      if (grid) {
        setGrid(Number(grid[1]), Number(grid[2]));
      } else if (action === 'layout-cycle' && current) {
        const i = STANDARD_GRIDS.findIndex(
          (g) => g.rows === current.rows && g.columns === current.columns,
        );
        const next = STANDARD_GRIDS[(i + 1) % STANDARD_GRIDS.length] ?? STANDARD_GRIDS[0];
        if (next) setGrid(next.rows, next.columns);
      } else if (action === 'worklist') {
        navigate({ name: 'worklist' });
      } else if (action === 'help') {
        setHelpOpen((o) => !o);
      } else if (action === 'maximize') {
        setMaximized((m) => (m === null ? active : null));
      } else if (action === 'next-viewport' || action === 'prev-viewport') {
        const n = current?.viewports.length ?? 1;
        setActiveIndex((active + (action === 'next-viewport' ? 1 : n - 1)) % n);
        setMaximized((m) =>
          m === null ? m : (active + (action === 'next-viewport' ? 1 : n - 1)) % n,
        );
      } else if (action === 'mpr' && current) {
        if (isMprLayout(current)) {
          const back = beforeMpr.current ?? regrid(current, 1, 1);
          beforeMpr.current = null;
          setMaximized(null);
          setLayout(isMprLayout(back) ? stackOf(back) : back);
          return;
        }
        const spec = current.viewports[active];
        const entry = spec ? findEntry(flat, spec) : undefined;
        if (!spec || !entry || !canReformat(entry.series)) {
          setNotice('MPR reformats a CT series: choose a viewport showing one.');
          return;
        }
        beforeMpr.current = current;
        setMaximized(null);
        setActiveIndex(0);
        setLayout(mprLayout(spec));
      } else if (action === 'reference-lines') {
        toggleViewerOption('referenceLines');
      } else if (action === 'scale-bar') {
        toggleViewerOption('scaleBar');
      } else if (action === 'toggle-link') {
        setLinkMode(linked ? 'none' : 'all');
      } else if ((action === 'next-series' || action === 'prev-series') && current) {
        const spec = current.viewports[active];
        const at = spec
          ? flat.findIndex((e) => e.series.seriesInstanceUid === spec.seriesInstanceUid)
          : -1;
        const next =
          flat[Math.max(0, Math.min(flat.length - 1, at + (action === 'next-series' ? 1 : -1)))];
        if (next) putSeries(active, specOf(next));
      } else {
        handle?.command(action);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [flat, active, shortcutMap, helpOpen, linked, setGrid, putSeries]);

  if (remote.state === 'refused') {
    return (
      <main className="case-view-error">
        <ErrorNotice error={remote.error} onRetry={fetchCase} />
        <button type="button" onClick={() => navigate({ name: 'worklist' })}>
          Back to the worklist
        </button>
      </main>
    );
  }
  if (!detail) {
    if (cached === null && remote.state === 'unreachable') {
      return (
        <main className="case-view-error">
          <div className="error-notice" role="alert">
            <p>
              This case is not on this workstation yet, and the server cannot be reached. It opens
              as soon as the connection is back.
            </p>
          </div>
          <button type="button" onClick={() => navigate({ name: 'worklist' })}>
            Back to the worklist
          </button>
        </main>
      );
    }
    return <p className="splash">Opening the case…</p>;
  }

  const studyLines = (study: StudySummary) => [
    formatPersonName(study.patientName),
    study.patientId,
    `${study.studyDate} · ${study.description}`,
  ];

  return (
    <main className="case-view" data-testid="case-view" data-case-id={detail.caseId}>
      <aside className="case-sidebar">
        <div className="case-heading">
          <button type="button" className="back" onClick={() => navigate({ name: 'worklist' })}>
            ← Worklist <kbd>Esc</kbd>
          </button>
          <h2>{formatPersonName(detail.study.patientName)}</h2>
          <p className="muted">
            {detail.study.patientId} · {detail.study.description} · {detail.study.studyDate}
          </p>
          <p>
            <span className={`priority-badge priority-${detail.priority}`}>
              {PRIORITY_LABEL[detail.priority]}
            </span>{' '}
            {KIND_LABEL[detail.kind]} · {detail.subspecialty}
          </p>
        </div>
        <ClinicalContextPanel context={detail.context} />
        <ReportPanels detail={detail} reviewing={reviewing} />
        <SeriesList
          groups={groups}
          selected={
            activeSpec
              ? { studyUid: activeSpec.studyInstanceUid, seriesUid: activeSpec.seriesInstanceUid }
              : undefined
          }
          onSelect={(studyUid, seriesUid) => {
            const entry = flat.find(
              (e) =>
                e.study.studyInstanceUid === studyUid && e.series.seriesInstanceUid === seriesUid,
            );
            if (entry) putSeries(active, specOf(entry));
          }}
        />
        {panelsShown && (
          <>
            <MeasurementsPanel caseId={detail.caseId} />
            <MeasurementComparison detail={detail} />
            <KeyHelp modality={activeEntry?.series.modality} map={shortcutMap} />
          </>
        )}
      </aside>
      <section className="viewer-area">
        <HangingBar caseId={detail.caseId} detail={detail} />
        <ViewerToolbar
          layout={shown}
          linked={linked}
          maximized={maximized !== null}
          onGrid={setGrid}
          onToggleLink={() => setLinkMode(linked ? 'none' : 'all')}
          onMaximize={() => setMaximized((m) => (m === null ? active : null))}
          onCommand={(action) => viewportHandle(active)?.command(action)}
          onHelp={() => setHelpOpen(true)}
        />
        {shown ? (
          <ViewportGrid
            layout={shown}
            flat={flat}
            active={active}
            maximized={maximized}
            currentStudyUid={detail.study.studyInstanceUid}
            studyLines={studyLines}
            onActivate={setActiveIndex}
            onMaximize={(i) => {
              setActiveIndex(i);
              setMaximized((m) => (m === null ? i : null));
            }}
            onDropSeries={(i, studyUid, seriesUid) => {
              const entry = flat.find(
                (e) =>
                  e.study.studyInstanceUid === studyUid && e.series.seriesInstanceUid === seriesUid,
              );
              if (entry) putSeries(i, specOf(entry));
            }}
          />
        ) : (
          <section className="viewport-grid">
            <p className="muted pad">
              {flat.length === 0 ? 'This study has no series.' : 'Hanging the images…'}
            </p>
          </section>
        )}
      </section>
      {notice && (
        <div className="viewer-notice" role="status" data-testid="viewer-notice">
          {notice}
        </div>
      )}
      {panelsShown ? (
        <ReportDraftPanel
          caseId={detail.caseId}
          printHeading={{
            patient: `${formatPersonName(detail.study.patientName)} · ${detail.study.patientId}`,
            study: `${detail.study.description} · ${detail.study.studyDate}`,
          }}
        />
      ) : (
        // its place kept, so the viewports do not change size when it comes
        <aside className="report-panel report-editor-panel" aria-hidden="true" />
      )}
      {helpOpen && <ShortcutHelp map={shortcutMap} onClose={() => setHelpOpen(false)} />}
    </main>
  );
}

const NOTICE_MS = 4000;

/** The reports beside the images: the priors' reports, the blinded original (or the review note). */
function ReportPanels({ detail, reviewing }: { detail: CaseDetail; reviewing: boolean }) {
  return (
    <>
      <PriorReports current={detail.study} priors={detail.priors} />
      {reviewing ? (
        <ReviewOnlyNote />
      ) : (
        detail.kind !== 'first-read' && (
          <OriginalReportPanel caseId={detail.caseId} kind={detail.kind} />
        )
      )}
    </>
  );
}

/** In place of the report panels when a QA reviewer or an administrator views the images. */
function ReviewOnlyNote() {
  return (
    <section className="original-report" data-testid="review-only">
      <h3>Reviewing</h3>
      <p className="muted small">
        You are viewing these images to review them: the assigned radiologist writes the report.
        Both reads and their differences are on the <a href="#/qa">QA screen</a>.
      </p>
    </section>
  );
}

/** The same slots shown as acquired (a layout of reformats with nothing to go back to). */
function stackOf(layout: ViewerLayout): ViewerLayout {
  const first = layout.viewports.find((v): v is ViewportSpec => v !== null);
  if (!first) return layout;
  const spec: ViewportSpec = { ...first };
  delete spec.orientation;
  return { rows: 1, columns: 1, viewports: [spec], syncGroups: [] };
}

function specOf(entry: Entry): ViewportSpec {
  return {
    studyInstanceUid: entry.study.studyInstanceUid,
    seriesInstanceUid: entry.series.seriesInstanceUid,
  };
}

function findEntry(flat: readonly Entry[], spec: ViewportSpec): Entry | undefined {
  return flat.find(
    (e) =>
      e.study.studyInstanceUid === spec.studyInstanceUid &&
      e.series.seriesInstanceUid === spec.seriesInstanceUid,
  );
}

interface GridProps {
  layout: ViewerLayout;
  flat: readonly Entry[];
  active: number;
  maximized: number | null;
  currentStudyUid: string;
  studyLines: (study: StudySummary) => string[];
  onActivate: (index: number) => void;
  onMaximize: (index: number) => void;
  onDropSeries: (index: number, studyUid: string, seriesUid: string) => void;
}

/** The viewports in their grid; a maximized one fills it (the others are unmounted meanwhile). */
function ViewportGrid({
  layout,
  flat,
  active,
  maximized,
  currentStudyUid,
  studyLines,
  onActivate,
  onMaximize,
  onDropSeries,
}: GridProps) {
  const single = maximized !== null && maximized < layout.viewports.length;
  // The slot where a double-click began (its first press). A worklist row opens its case on the
  // first click, so a reader's double-click on the row can end on a viewport drawn meanwhile: that
  // second click belongs to the row and must neither make the viewport under it the active one
  // nor maximize it.
  const firstPress = useRef<number | null>(null);
  return (
    <section
      className="viewport-grid"
      data-testid="viewport-grid"
      data-rows={single ? 1 : layout.rows}
      data-columns={single ? 1 : layout.columns}
      data-maximized={single ? String(maximized) : undefined}
      style={{
        gridTemplateRows: `repeat(${single ? 1 : layout.rows}, minmax(0, 1fr))`,
        gridTemplateColumns: `repeat(${single ? 1 : layout.columns}, minmax(0, 1fr))`,
      }}
    >
      {layout.viewports.map((spec, index) => {
        if (single && index !== maximized) return null;
        const entry = spec ? findEntry(flat, spec) : undefined;
        return (
          <div
            key={index}
            className={`viewport-slot${index === active ? ' active' : ''}`}
            data-testid="viewport-slot"
            data-slot-index={index}
            onMouseDownCapture={(e) => {
              if (e.detail > 1 && firstPress.current === null) return; // began on the row
              onActivate(index);
              if (e.detail <= 1) firstPress.current = index;
            }}
            onDoubleClick={() => {
              if (firstPress.current === index) onMaximize(index);
            }}
            onDragOver={(e) => {
              if (e.dataTransfer.types.includes(SERIES_DRAG_TYPE)) e.preventDefault();
            }}
            onDrop={(e) => {
              const raw = e.dataTransfer.getData(SERIES_DRAG_TYPE);
              if (!raw) return;
              e.preventDefault();
              const { studyUid, seriesUid } = JSON.parse(raw) as {
                studyUid: string;
                seriesUid: string;
              };
              onDropSeries(index, studyUid, seriesUid);
            }}
          >
            {spec && entry ? (
              <SeriesViewport
                viewportIndex={index}
                spec={spec}
                series={entry.series}
                seriesLabel={
                  entry.study.studyInstanceUid === currentStudyUid
                    ? seriesLabel(entry.series)
                    : `Prior ${entry.study.studyDate} · ${seriesLabel(entry.series)}`
                }
                studyLines={studyLines(entry.study)}
                active={index === active}
              />
            ) : (
              <div className="viewport-empty muted" data-testid="viewport-empty">
                {spec ? 'This series is not part of the case.' : 'Drop a series here'}
              </div>
            )}
          </div>
        );
      })}
    </section>
  );
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}
