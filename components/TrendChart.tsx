'use client';
import { useState } from 'react';
import { bucketLabel, bucketTicks, INTERVAL_LABEL, niceTicks, partialIndex, type Interval } from '@/lib/charts/axis';
import { SERIES_COLORS } from '@/lib/charts/colors';
import { linePaths, scaleY } from '@/lib/charts/plot';
import { formatCount } from '@/lib/dashboard/format';
import type { TimeseriesPoint } from '@/lib/dashboard/response';
import { ChartFrame, PLOT_HEIGHT } from './ChartFrame';
import { ChartTable } from './ChartTable';
import { DayTooltip } from './DayTooltip';

const SERIES = [
  { key: 'sends', label: 'Sends' },
  { key: 'opens', label: 'Opens' },
  { key: 'clicks', label: 'Clicks' },
  { key: 'replies', label: 'Replies' },
] as const;
type SeriesKey = (typeof SERIES)[number]['key'];

export interface TrendChartProps {
  timeseries: TimeseriesPoint[];
  locale?: string;
  interval?: Interval;
  /** The day still filling (today, UTC) when in the range: its bucket is drawn dashed. */
  partialDay?: string | null;
}

/** Sends, opens, clicks and replies per bucket; the legend's buttons hide or show a series. */
export function TrendChart({ timeseries, locale, interval = 'day', partialDay = null }: TrendChartProps) {
  const [hidden, setHidden] = useState<ReadonlySet<SeriesKey>>(new Set());
  const toggle = (key: SeriesKey) => setHidden((current) => {
    const next = new Set(current);
    if (!next.delete(key)) next.add(key);
    return next;
  });
  const days = timeseries.map((d) => d.day);
  const partial = partialIndex(days, partialDay);
  const shown = SERIES.filter((s) => !hidden.has(s.key));
  const yTicks = niceTicks(Math.max(0, ...timeseries.flatMap((d) => shown.map((s) => d[s.key]))));
  const top = yTicks[yTicks.length - 1] ?? 1;
  const label = (day: string) => bucketLabel(day, interval, { locale, long: true });
  const totals = SERIES.map((s) => `${formatCount(timeseries.reduce((sum, d) => sum + d[s.key], 0))} ${s.label.toLowerCase()}`).join(', ');
  const span = days.length ? `${label(days[0] ?? '')} to ${label(days[days.length - 1] ?? '')}` : 'no buckets';
  return (
    <>
      <div className="chart-legend" role="group" aria-label="Legend: click a series to hide or show it">
        {SERIES.map((s) => (
          <button key={s.key} type="button" aria-pressed={!hidden.has(s.key)} onClick={() => toggle(s.key)}
            data-series={s.key} style={{ ['--swatch' as string]: SERIES_COLORS[s.key] }}>
            {s.label}
          </button>
        ))}
        {partial >= 0 ? <span className="legend-partial legend-partial-line">today so far</span> : null}
      </div>
      <ChartFrame
        summary={`Engagement per ${interval}, ${span}: ${totals} in all.${partial >= 0 ? ' The last bucket is today so far.' : ''}`}
        bands={Math.max(1, days.length)} yTicks={yTicks} formatY={formatCount} xTicks={bucketTicks(days, interval, locale)}
        marker={(i) => shown.map((s) => (
          <span key={s.key} className="chart-dot" style={{
            left: `${((i + 0.5) / days.length) * 100}%`, top: `${scaleY(timeseries[i]?.[s.key] ?? 0, top, 100)}%`, background: SERIES_COLORS[s.key],
          }} />
        ))}
        tooltip={(i) => <DayTooltip point={timeseries[i]} locale={locale} interval={interval} partial={i === partial} />}
      >
        {shown.map((s) => {
          const path = linePaths(timeseries.map((d) => d[s.key]), top, PLOT_HEIGHT, partial);
          return (
            <g key={s.key} style={{ stroke: SERIES_COLORS[s.key] }} data-series={s.key}>
              {path.solid ? <path className="chart-line" d={path.solid} /> : null}
              {path.partial ? <path className="chart-line chart-line-partial" d={path.partial} /> : null}
            </g>
          );
        })}
      </ChartFrame>
      <ChartTable caption={`Engagement per ${interval}`} columns={[INTERVAL_LABEL[interval], ...SERIES.map((s) => s.label)]}
        rows={() => timeseries.map((d, i) => ({
          key: d.day,
          cells: [`${label(d.day)}${i === partial ? ' (today so far)' : ''}`, ...SERIES.map((s) => formatCount(d[s.key]))],
        }))} />
    </>
  );
}
