'use client';
// The frame every chart draws in: value axis, grid, bucket axis and an SVG plot that stretches to
// its box (viewBox `0 0 bands 100`, no aspect ratio kept, strokes that do not scale), so the server
// renders the chart as it will look and nothing is measured. Labels are HTML at percentages, so
// text stays sharp at any width. Hydrated, it follows the pointer and the arrow keys: the bucket
// under them is highlighted and its tooltip shown (after a tap, until the plot loses focus).
import { useEffect, useState, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import type { BucketTick } from '@/lib/charts/axis';

export const PLOT_HEIGHT = 100;

export interface ChartFrameProps {
  /** What the chart shows, in words, for screen readers (the table behind it has the numbers). */
  summary: string;
  /** Number of buckets across (each a band of width 1 in the viewBox). */
  bands: number;
  yTicks: number[];
  formatY: (value: number) => string;
  xTicks: BucketTick[];
  /** SVG content in viewBox units: x in bands, y from 0 (top) to PLOT_HEIGHT. */
  children: ReactNode;
  /** HTML always drawn over the plot (e.g. labels over the bars). */
  overlay?: ReactNode;
  /** HTML drawn over the plot for the active bucket (e.g. dots on the lines). */
  marker?: (index: number) => ReactNode;
  tooltip: (index: number) => ReactNode;
  height?: number;
  /** Room above the plot, for labels over the bars. */
  headroom?: number;
}

const percent = (value: number) => `${Math.round(value * 10_000) / 100}%`;

export function ChartFrame(props: ChartFrameProps) {
  const { summary, bands, yTicks, formatY, xTicks, children, overlay, marker, tooltip, height = 220, headroom = 0 } = props;
  const [active, setActive] = useState<number | null>(null);
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const top = yTicks[yTicks.length - 1] ?? 1;

  const follow = (event: PointerEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width <= 0) return;
    setActive(Math.min(bands - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * bands))));
  };
  const step = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, Home: -bands, End: bands };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    setActive((current) => Math.min(bands - 1, Math.max(0, (current ?? bands) + move)));
  };
  const center = active === null ? 0 : (active + 0.5) / bands;

  return (
    <div className="chart" data-interactive={hydrated ? 'true' : 'false'} style={{ paddingTop: headroom }}>
      <div className="chart-y" aria-hidden="true" style={{ height }}>
        {yTicks.map((tick) => (
          <span key={tick} style={{ top: percent(1 - tick / top) }}>{formatY(tick)}</span>
        ))}
      </div>
      <div className="chart-plot" style={{ height }} tabIndex={0} role="group"
        aria-label={`${summary} Arrow keys move through the buckets; “Show as table” below lists every figure.`}
        onPointerMove={follow} onPointerDown={follow} onPointerLeave={(event) => event.pointerType !== 'touch' && setActive(null)}
        onKeyDown={step} onFocus={() => setActive((current) => current ?? bands - 1)} onBlur={() => setActive(null)}>
        {active !== null ? <div className="chart-highlight" style={{ left: percent(active / bands), width: percent(1 / bands) }} /> : null}
        <svg viewBox={`0 0 ${bands} ${PLOT_HEIGHT}`} preserveAspectRatio="none" aria-hidden="true">
          {yTicks.map((tick) => {
            const y = PLOT_HEIGHT * (1 - tick / top);
            return <path key={tick} className="chart-grid" d={`M0 ${y}H${bands}`} />;
          })}
          {children}
        </svg>
        {overlay}
        {active !== null ? (
          <>
            {marker?.(active)}
            <div className="chart-tooltip-anchor" role="status"
              style={center > 0.5 ? { right: `calc(${percent(1 - center)} + 12px)` } : { left: `calc(${percent(center)} + 12px)` }}>
              {tooltip(active)}
            </div>
          </>
        ) : null}
      </div>
      <div className="chart-x" aria-hidden="true">
        {xTicks.map((tick) => {
          const at = (tick.index + 0.5) / bands;
          const edge = at < 0.06 ? ' chart-x-start' : at > 0.94 ? ' chart-x-end' : '';
          return <span key={tick.index} className={`${tick.minor ? 'chart-x-minor' : ''}${edge}`} style={{ left: percent(at) }}>{tick.label}</span>;
        })}
      </div>
    </div>
  );
}
