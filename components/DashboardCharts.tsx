'use client';
// The charts and the cost table. Recharts is loaded as its own chunk (preloaded, not server
// rendered: it measures the page), so the KPIs and filters hydrate without waiting for it.
import dynamic from 'next/dynamic';
import type { DashboardInterval, DashboardResponse } from '@/lib/dashboard/response';
import { ChartCard } from './ChartCard';
import { CostTable } from './CostTable';
import { Skeleton } from './Skeleton';

const CHART_HEIGHT = 260;
const chartSkeleton = () => <Skeleton height={CHART_HEIGHT} />;
const TrendChart = dynamic(() => import('./TrendChart').then((m) => m.TrendChart), { ssr: false, loading: chartSkeleton });
const SequenceChart = dynamic(() => import('./SequenceChart').then((m) => m.SequenceChart), { ssr: false, loading: chartSkeleton });
const CostChart = dynamic(() => import('./CostChart').then((m) => m.CostChart), { ssr: false, loading: chartSkeleton });

export function DashboardCharts({ data, locale }: { data: DashboardResponse | undefined; locale: string; interval?: DashboardInterval; partialDay?: string | null }) {
  const loading = data === undefined;
  return (
    <div className="grid">
      <ChartCard id="trend-chart" title="Engagement per day" subtitle="Sends, opens, clicks and replies" loading={loading} height={CHART_HEIGHT + 40} wide>
        {data ? <TrendChart timeseries={data.timeseries} locale={locale} /> : null}
      </ChartCard>
      <ChartCard id="sequence-chart" title="Sequence steps" subtitle="Sends per email of the sequence, with the drop-off from the step before" loading={loading} height={CHART_HEIGHT}>
        {data ? <SequenceChart sequence={data.sequence} /> : null}
      </ChartCard>
      <ChartCard id="cost-chart" title="LLM cost per day" subtitle="Stacked by provider" loading={loading} height={CHART_HEIGHT}>
        {data ? <CostChart timeseries={data.timeseries} locale={locale} /> : null}
      </ChartCard>
      <ChartCard id="cost-table" title="LLM cost by model" subtitle="Click a column to sort" loading={loading} height={120} wide>
        {data ? <CostTable rows={data.cost_breakdown} /> : null}
      </ChartCard>
    </div>
  );
}
