'use client';
// The charts and the cost table. The charts are plain SVG drawn on the server with the numbers, so
// they are on screen with the first paint; hydration only adds tooltips, toggles and tables.
import type { Interval } from '@/lib/charts/axis';
import type { DashboardResponse } from '@/lib/dashboard/response';
import { ChartCard } from './ChartCard';
import { CostChart } from './CostChart';
import { CostTable } from './CostTable';
import { SequenceChart } from './SequenceChart';
import { TrendChart } from './TrendChart';

export interface DashboardChartsProps {
  data: DashboardResponse | undefined;
  locale: string;
  /** What one timeseries entry covers: a day, or the week or month starting on its `day`. */
  interval?: Interval;
  /** YYYY-MM-DD of the range's day still filling (today, UTC, when in range): its bucket is marked partial. */
  partialDay?: string | null;
}

// Heights of the chart blocks (legend, plot, axis, "Show as table"), so the skeletons hold the layout.
const TREND_HEIGHT = 308;
const CHART_HEIGHT = 290;

export function DashboardCharts({ data, locale, interval = 'day', partialDay = null }: DashboardChartsProps) {
  const loading = data === undefined;
  return (
    <div className="grid">
      <ChartCard id="trend-chart" title={`Engagement per ${interval}`} subtitle="Sends, opens, clicks and replies" loading={loading} height={TREND_HEIGHT} wide>
        {data ? <TrendChart timeseries={data.timeseries} locale={locale} interval={interval} partialDay={partialDay} /> : null}
      </ChartCard>
      <ChartCard id="sequence-chart" title="Sequence steps" subtitle="Sends per email of the sequence, with the change from the email before" loading={loading} height={CHART_HEIGHT}>
        {data ? <SequenceChart sequence={data.sequence} /> : null}
      </ChartCard>
      <ChartCard id="cost-chart" title={`LLM cost per ${interval}`} subtitle="Stacked by provider" loading={loading} height={CHART_HEIGHT}>
        {data ? <CostChart timeseries={data.timeseries} locale={locale} interval={interval} partialDay={partialDay} /> : null}
      </ChartCard>
      <ChartCard id="cost-table" title="LLM cost by model" subtitle="Click a column to sort" loading={loading} height={120} wide>
        {data ? <CostTable rows={data.cost_breakdown} /> : null}
      </ChartCard>
    </div>
  );
}
