import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import type { QaStatRow } from '../../shared/api/contract.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** Discordance rate per group with its 95 % Wilson interval drawn as a floating bar. */
export function StatsChart({ rows }: { rows: QaStatRow[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.key),
        datasets: [
          {
            label: 'Discordance (RADPEER 2–3), %',
            data: rows.map((r) => r.discordant.rate * 100),
            backgroundColor: 'rgba(230, 120, 60, 0.7)',
          },
          {
            label: '95 % CI (Wilson), %',
            // a floating bar [low, high]; chart.js types a bar dataset's data as numbers only
            data: rows.map((r) => [
              r.discordant.low * 100,
              r.discordant.high * 100,
            ]) as unknown as number[],
            backgroundColor: 'rgba(120, 160, 230, 0.35)',
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 } },
      },
    });
    return () => chart.destroy();
  }, [rows]);
  return (
    <div className="qa-chart">
      <canvas ref={canvas} data-testid="qa-chart" aria-label="Discordance rate chart" />
    </div>
  );
}
