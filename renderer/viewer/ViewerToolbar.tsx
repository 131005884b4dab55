import { useState, useSyncExternalStore } from 'react';
import { getPrimaryTool, PRIMARY_TOOLS, subscribePrimaryTool } from './cornerstone-setup.ts';
import { clampGrid, STANDARD_GRIDS, type ViewerLayout } from './layout-model.ts';

interface Props {
  layout: ViewerLayout | null;
  linked: boolean;
  maximized: boolean;
  onGrid: (rows: number, columns: number) => void;
  onToggleLink: () => void;
  onMaximize: () => void;
  onCommand: (action: string) => void;
  onHelp: () => void;
}

const TOOL_LABELS: Record<string, string> = {
  'tool-wl': 'W/L',
  'tool-length': 'Length',
  'tool-bidirectional': 'Bidir.',
  'tool-ellipse': 'Ellipse',
  'tool-circle': 'Circle',
  'tool-probe': 'Probe',
  'tool-angle': 'Angle',
  'tool-cobb': 'Cobb',
  'tool-arrow': 'Arrow',
};

const VIEW_COMMANDS: [string, string][] = [
  ['fit', 'Fit'],
  ['actual-size', '1:1'],
  ['flip-h', 'Flip H'],
  ['flip-v', 'Flip V'],
  ['rotate', 'Rotate'],
  ['invert', 'Invert'],
  ['cine', 'Cine'],
  ['reset', 'Reset'],
];

/** Layouts, linking, mouse tools and view commands; each also has a key (`?`). */
export function ViewerToolbar({
  layout,
  linked,
  maximized,
  onGrid,
  onToggleLink,
  onMaximize,
  onCommand,
  onHelp,
}: Props) {
  const tool = useSyncExternalStore(subscribePrimaryTool, getPrimaryTool);
  const [rows, setRows] = useState('2');
  const [columns, setColumns] = useState('3');
  return (
    <div className="viewer-toolbar" role="toolbar" aria-label="Viewer" data-testid="viewer-toolbar">
      {STANDARD_GRIDS.map((g) => {
        const name = `${g.rows}×${g.columns}`;
        const on = layout?.rows === g.rows && layout.columns === g.columns;
        return (
          <button
            key={name}
            type="button"
            aria-pressed={on}
            data-testid={`layout-${g.rows}x${g.columns}`}
            onClick={() => onGrid(g.rows, g.columns)}
          >
            {name}
          </button>
        );
      })}
      <input aria-label="Rows" value={rows} onChange={(e) => setRows(e.target.value)} />×
      <input aria-label="Columns" value={columns} onChange={(e) => setColumns(e.target.value)} />
      <button
        type="button"
        onClick={() => onGrid(clampGrid(Number(rows)), clampGrid(Number(columns)))}
      >
        Custom
      </button>
      <span className="sep" />
      <button type="button" aria-pressed={linked} data-testid="link-toggle" onClick={onToggleLink}>
        {linked ? 'Linked' : 'Link'}
      </button>
      <button type="button" aria-pressed={maximized} onClick={onMaximize}>
        Maximize
      </button>
      <span className="sep" />
      {Object.entries(PRIMARY_TOOLS).map(([action, name]) => (
        <button
          key={action}
          type="button"
          aria-pressed={tool === name}
          data-testid={action}
          onClick={() => onCommand(action)}
        >
          {TOOL_LABELS[action] ?? name}
        </button>
      ))}
      <span className="sep" />
      {VIEW_COMMANDS.map(([action, label]) => (
        <button key={action} type="button" onClick={() => onCommand(action)}>
          {label}
        </button>
      ))}
      <span className="sep" />
      <button type="button" onClick={onHelp} aria-label="Keyboard shortcuts">
        ?
      </button>
    </div>
  );
}
