import { useEffect, useRef } from 'react';
import { getHost } from '../host/get-host.ts';
import { navigate } from '../app/route.ts';
import { drawTestPattern } from './draw-test-pattern.ts';

/**
 * The TG18-QC style pattern, full screen, one canvas pixel per device pixel. Esc (or a click)
 * leaves: in Electron it closes this window, in a browser it goes back to display QA.
 */
export function TestPattern() {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const draw = () => {
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(window.innerWidth * ratio);
      canvas.height = Math.round(window.innerHeight * ratio);
      const ctx = canvas.getContext('2d');
      if (ctx) drawTestPattern(ctx, canvas.width, canvas.height);
    };
    draw();
    if (!document.fullscreenElement) {
      canvas.parentElement?.requestFullscreen().catch(() => undefined);
    }
    window.addEventListener('resize', draw);
    return () => window.removeEventListener('resize', draw);
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') leave();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="test-pattern" data-testid="display-qa-pattern" onClick={leave}>
      <canvas ref={canvasRef} style={{ width: '100vw', height: '100vh', display: 'block' }} />
    </div>
  );
}

function leave(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  if (getHost().displayQa) window.close();
  else navigate({ name: 'display-qa' });
}
