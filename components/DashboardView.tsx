'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { filtersToSearch, resolveFilters, widestRangeWithData } from '@/lib/dashboard/filters';
import { formatDay } from '@/lib/dashboard/format';
import { previousPeriod, type DashboardQuery } from '@/lib/dashboard/query';
import type { DashboardResponse, WorkspacesResponse } from '@/lib/dashboard/response';
import { useDashboard, useWorkspaces } from '@/lib/swr/use-dashboard';
import { ChartCard } from './ChartCard';
import { CostChart } from './CostChart';
import { CostTable } from './CostTable';
import { EmptyState } from './EmptyState';
import { ErrorBanner } from './ErrorBanner';
import { FilterBar } from './FilterBar';
import { FreshnessBadge } from './FreshnessBadge';
import { KpiGrid } from './KpiGrid';
import { SequenceChart } from './SequenceChart';
import { TrendChart } from './TrendChart';

export interface DashboardInitial {
  query: DashboardQuery | null;
  notices: string[];
  workspaces: WorkspacesResponse;
  current?: DashboardResponse;
  previous?: DashboardResponse;
  renderedAt: number;
}

const sameQuery = (a: DashboardQuery | null, b: DashboardQuery | null) =>
  a !== null && b !== null && filtersToSearch(a) === filtersToSearch(b);

/** The dashboard: filters in the URL, data through SWR, first view handed over by the server. */
export function DashboardView({ initial }: { initial: DashboardInitial }) {
  const [query, setQuery] = useState(initial.query);
  const [notices, setNotices] = useState(initial.notices);
  const { data: workspaces } = useWorkspaces(initial.workspaces);
  const list = workspaces?.workspaces ?? initial.workspaces.workspaces;
  const previousQuery = useMemo(() => (query ? { ...query, ...previousPeriod(query) } : null), [query]);
  const current = useDashboard(query, sameQuery(query, initial.query) ? initial.current : undefined);
  const previous = useDashboard(previousQuery, sameQuery(query, initial.query) ? initial.previous : undefined);

  const change = useCallback((next: DashboardQuery) => {
    setQuery(next);
    setNotices([]);
    window.history.pushState(null, '', filtersToSearch(next));
  }, []);

  // Back and Forward move through filter states; the address is the source of truth.
  useEffect(() => {
    const onPop = () => {
      const resolved = resolveFilters(Object.fromEntries(new URLSearchParams(window.location.search)), list);
      setQuery(resolved.query);
      setNotices(resolved.notices);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [list]);

  if (!query) {
    return <main className="page"><h1>Campaign analytics</h1><EmptyState widestLabel="" /></main>;
  }
  const data = current.data;
  const loading = !data;
  const empty = data && data.summary.sends === 0 && data.summary.llm_calls === 0 && data.summary.opens === 0;
  const workspace = list.find((w) => w.workspace_id === query.workspace_id);
  const widest = workspace ? widestRangeWithData(workspace, query.campaign) : null;

  return (
    <main className="page" data-testid="dashboard" data-ready={data && !current.isLoading ? 'true' : 'false'}>
      <header className="page-header">
        <div>
          <h1>Campaign analytics</h1>
          <p className="muted">{formatDay(query.from, { year: true })} – {formatDay(query.to, { year: true })} (UTC){current.isValidating && data ? ' · updating…' : ''}</p>
        </div>
        {data ? <FreshnessBadge freshness={data.freshness} initialNow={initial.renderedAt} /> : null}
      </header>
      <FilterBar query={query} workspaces={list} onChange={change} />
      {notices.map((notice) => <div key={notice} className="banner notice" role="status" data-testid="notice">{notice}</div>)}
      {current.error ? <ErrorBanner message={current.error.message} onRetry={() => { void current.mutate(); void previous.mutate(); }} /> : null}
      {empty ? (
        <EmptyState onWidest={widest ? () => change({ ...query, ...widest }) : undefined}
          widestLabel={widest ? `${formatDay(widest.from, { year: true })} – ${formatDay(widest.to, { year: true })}` : undefined} />
      ) : null}
      <KpiGrid current={data?.summary} previous={previous.data?.summary} loading={loading} />
      <div className="grid">
        <ChartCard id="trend-chart" title="Engagement per day" subtitle="Sends, opens, clicks and replies" loading={loading} wide>
          {data ? <TrendChart timeseries={data.timeseries} /> : null}
        </ChartCard>
        <ChartCard id="sequence-chart" title="Sequence steps" subtitle="Sends per email of the sequence, with drop-off" loading={loading}>
          {data ? <SequenceChart sequence={data.sequence} /> : null}
        </ChartCard>
        <ChartCard id="cost-chart" title="LLM cost per day" subtitle="Stacked by provider" loading={loading}>
          {data ? <CostChart timeseries={data.timeseries} /> : null}
        </ChartCard>
        <ChartCard id="cost-table" title="LLM cost by model" loading={loading} height={120} wide>
          {data ? <CostTable rows={data.cost_breakdown} /> : null}
        </ChartCard>
      </div>
    </main>
  );
}
