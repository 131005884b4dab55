import { useEffect, useId, useState } from 'react';
import { renderingSetting, setRenderingSetting } from '../app/workstation-db.ts';
import {
  announceRenderingSetting,
  currentRendererChoice,
  RenderingSetting,
} from '../viewer/render-mode.ts';

const LABELS: Record<RenderingSetting, string> = {
  auto: 'Automatic (CPU where WebGL is emulated in software)',
  gpu: 'WebGL (graphics processor)',
  cpu: 'CPU',
};

/**
 * How the viewer draws images: saved at once, taken by the viewer at the next case opened.
 * Reformats (MPR) use WebGL whatever is chosen.
 */
export function RenderingSettings() {
  const [setting, setSetting] = useState<RenderingSetting | null>(null);
  const [saved, setSaved] = useState(false);
  const id = useId();
  const inForce = currentRendererChoice();

  useEffect(() => {
    let cancelled = false;
    renderingSetting().then(
      (s) => !cancelled && setSetting(s),
      () => !cancelled && setSetting('auto'),
    );
    return () => {
      cancelled = true;
    };
  }, []);

  async function choose(value: string) {
    const next = RenderingSetting.parse(value);
    setSetting(next);
    await setRenderingSetting(next);
    announceRenderingSetting(next);
    setSaved(true);
  }

  return (
    <section data-testid="rendering-settings">
      <h3>Image rendering</h3>
      <label htmlFor={id}>Draw stack images with</label>
      {setting === null ? (
        <p className="muted">Reading the settings…</p>
      ) : (
        <select
          id={id}
          data-testid="rendering-setting"
          value={setting}
          onChange={(e) => void choose(e.target.value)}
        >
          {RenderingSetting.options.map((option) => (
            <option key={option} value={option}>
              {LABELS[option]}
            </option>
          ))}
        </select>
      )}
      <p className="muted small">
        {inForce
          ? `Now: ${inForce.renderer === 'cpu' ? 'CPU' : 'WebGL'}. ${inForce.reason}`
          : 'The viewer decides when it first opens a case.'}{' '}
        {saved ? 'Saved: the next case opened draws this way.' : ''} Reformats (MPR) always use
        WebGL.
      </p>
    </section>
  );
}
