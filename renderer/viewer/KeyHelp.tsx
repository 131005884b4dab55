import { Fragment } from 'react';
import { CT_PRESETS } from './voi-presets.ts';

/** The reading shortcuts, always in view while learning them costs nothing. */
export function KeyHelp({ modality }: { modality: string | undefined }) {
  return (
    <section className="panel key-help" aria-label="Keyboard shortcuts">
      <h3>Keys</h3>
      <dl>
        <dt>Wheel, ↑ ↓</dt>
        <dd>Previous / next image</dd>
        <dt>PgUp PgDn</dt>
        <dd>10 images back / forward</dd>
        <dt>Home End</dt>
        <dd>First / last image</dd>
        <dt>Left drag</dt>
        <dd>Window / level</dd>
        <dt>Right drag, middle drag</dt>
        <dd>Zoom, pan</dd>
        {modality === 'CT' &&
          CT_PRESETS.map((p) => (
            <Fragment key={p.key}>
              <dt>{p.key}</dt>
              <dd>
                {p.name} (W {p.windowWidth} L {p.windowCenter})
              </dd>
            </Fragment>
          ))}
        <dt>R</dt>
        <dd>Reset view</dd>
        <dt>[ ]</dt>
        <dd>Previous / next series</dd>
        <dt>Esc</dt>
        <dd>Back to the worklist (in the report: back to the images)</dd>
      </dl>
    </section>
  );
}
