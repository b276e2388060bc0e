'use client';
import { bucketLabel, bucketTicks, INTERVAL_LABEL, niceTicks, partialIndex, type Interval } from '@/lib/charts/axis';
import { providerColor } from '@/lib/charts/colors';
import { stackedBarPaths } from '@/lib/charts/plot';
import { formatUsd, formatUsdTick } from '@/lib/dashboard/format';
import type { TimeseriesPoint } from '@/lib/dashboard/response';
import { ChartFrame, PLOT_HEIGHT } from './ChartFrame';
import { ChartTable } from './ChartTable';

export interface CostChartProps {
  timeseries: TimeseriesPoint[];
  locale?: string;
  interval?: Interval;
  /** The day still filling (today, UTC) when in the range: its bucket's bars are drawn as partial. */
  partialDay?: string | null;
}

/** LLM cost per bucket, stacked by provider; each provider keeps its colour (lib/charts/colors). */
export function CostChart({ timeseries, locale, interval = 'day', partialDay = null }: CostChartProps) {
  const providers = [...new Set(timeseries.flatMap((d) => Object.keys(d.cost_by_provider)))].sort();
  const days = timeseries.map((d) => d.day);
  const partial = partialIndex(days, partialDay);
  const yTicks = niceTicks(Math.max(0, ...timeseries.map((d) => d.cost_usd)));
  const top = yTicks[yTicks.length - 1] ?? 1;
  const layers = stackedBarPaths(providers.map((p) => timeseries.map((d) => d.cost_by_provider[p] ?? 0)), top, PLOT_HEIGHT, partial);
  const label = (day: string) => bucketLabel(day, interval, { locale, long: true });
  const total = timeseries.reduce((sum, d) => sum + d.cost_usd, 0);
  const span = days.length ? `${label(days[0] ?? '')} to ${label(days[days.length - 1] ?? '')}` : 'no buckets';
  const byProvider = providers.map((p) => `${p} ${formatUsd(timeseries.reduce((sum, d) => sum + (d.cost_by_provider[p] ?? 0), 0))}`).join(', ');
  return (
    <>
      <ul className="chart-legend" aria-label="Providers">
        {providers.map((p) => <li key={p} data-provider={p} style={{ ['--swatch' as string]: providerColor(p) }}>{p}</li>)}
        {partial >= 0 ? <li className="legend-partial legend-partial-bar">today so far</li> : null}
      </ul>
      <ChartFrame
        summary={`LLM cost per ${interval}, ${span}: ${formatUsd(total)} in all${byProvider ? ` (${byProvider})` : ''}.${partial >= 0 ? ' The last bucket is today so far.' : ''}`}
        bands={Math.max(1, days.length)} yTicks={yTicks} formatY={formatUsdTick} xTicks={bucketTicks(days, interval, locale)}
        tooltip={(i) => {
          const point = timeseries[i];
          if (!point) return null;
          return (
            <div className="chart-tooltip" data-testid="cost-tooltip">
              <strong>{label(point.day)}</strong>{i === partial ? <span className="chart-tooltip-note"> · today so far</span> : null}
              <dl>
                {providers.map((p) => (
                  <div key={p}><dt><span className="swatch" style={{ background: providerColor(p) }} />{p}</dt><dd>{formatUsd(point.cost_by_provider[p] ?? 0)}</dd></div>
                ))}
                <div className="chart-tooltip-total"><dt>Total</dt><dd>{formatUsd(point.cost_usd)}</dd></div>
              </dl>
            </div>
          );
        }}
      >
        {providers.map((p, k) => (
          <g key={p} style={{ fill: providerColor(p) }} data-provider={p}>
            {layers[k]?.full ? <path className="chart-bar" d={layers[k].full} /> : null}
            {layers[k]?.partial ? <path className="chart-bar chart-bar-partial" d={layers[k].partial} /> : null}
          </g>
        ))}
      </ChartFrame>
      <ChartTable caption={`LLM cost per ${interval}, by provider`} columns={[INTERVAL_LABEL[interval], ...providers, 'Total']}
        rows={() => timeseries.map((d, i) => ({
          key: d.day,
          cells: [`${label(d.day)}${i === partial ? ' (today so far)' : ''}`, ...providers.map((p) => formatUsd(d.cost_by_provider[p] ?? 0)), formatUsd(d.cost_usd)],
        }))} />
    </>
  );
}
