'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { previousPeriod } from '@/lib/dashboard/days';
import { filtersToSearch, resolveFilters, widestRangeWithData } from '@/lib/dashboard/filters';
import { formatDay } from '@/lib/dashboard/format';
import type { DashboardQuery } from '@/lib/dashboard/query';
import type { DashboardResponse, WorkspacesResponse } from '@/lib/dashboard/response';
import { useDashboard } from '@/lib/swr/use-dashboard';
import { useWorkspaces } from '@/lib/swr/use-workspaces';
import { DashboardCharts } from '@/components/DashboardCharts';
import { EmptyState } from '@/components/EmptyState';
import { ErrorBanner } from '@/components/ErrorBanner';
import { FilterBar } from '@/components/FilterBar';
import { FreshnessBadge } from '@/components/FreshnessBadge';
import { KpiGrid } from '@/components/KpiGrid';
import { RefreshButton } from '@/components/RefreshButton';

export interface DashboardInitial {
  query: DashboardQuery | null;
  notices: string[];
  workspaces: WorkspacesResponse;
  current?: DashboardResponse;
  previous?: DashboardResponse;
  renderedAt: number;
  /** Chosen on the server from Accept-Language, so server and browser format dates alike. */
  locale: string;
  /** The server's stale threshold (STALE_AFTER_SECONDS), so the badge and the monitoring agree. */
  staleAfterSeconds?: number;
  /** A signed-in user (not the open mode): an empty list means no memberships yet. */
  signedIn?: boolean;
}

const sameQuery = (a: DashboardQuery | null, b: DashboardQuery | null) =>
  a !== null && b !== null && filtersToSearch(a) === filtersToSearch(b);

/** True when a range has nothing at all to show (no email activity, no LLM usage). */
export function isEmptyRange(data: DashboardResponse): boolean {
  const s = data.summary;
  return s.sends + s.opens + s.clicks + s.replies + s.bounces + s.opt_outs + s.llm_calls === 0;
}

/** The dashboard's data container: filters in the URL, data through SWR, the first view handed over by the server. The pieces it renders (components/) only draw what they are given. */
export function Dashboard({ initial }: { initial: DashboardInitial }) {
  const { locale } = initial;
  const [query, setQuery] = useState(initial.query);
  const [notices, setNotices] = useState(initial.notices);
  // How far this browser's clock is from the server's, measured once at hydration.
  const [clockOffsetMs, setClockOffsetMs] = useState(0);
  useEffect(() => setClockOffsetMs(Date.now() - initial.renderedAt), [initial.renderedAt]);
  const { data: workspaces } = useWorkspaces(initial.workspaces);
  const list = workspaces?.workspaces ?? initial.workspaces.workspaces;
  const previousQuery = useMemo(() => (query ? { ...query, ...previousPeriod(query), range: null } : null), [query]);
  const isInitial = sameQuery(query, initial.query);
  const current = useDashboard(query, isInitial ? initial.current : undefined);
  const previous = useDashboard(previousQuery, isInitial ? initial.previous : undefined);

  const change = useCallback((next: DashboardQuery) => {
    setQuery(next);
    setNotices([]);
    window.history.pushState(null, '', filtersToSearch(next));
  }, []);

  // Back and Forward move through filter states; the address is the source of truth.
  useEffect(() => {
    const onPop = () => {
      const resolved = resolveFilters(Object.fromEntries(new URLSearchParams(window.location.search)), list, new Date(), initial.query?.source);
      setQuery(resolved.query);
      setNotices(resolved.notices);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [list, initial.query?.source]);

  if (!query) {
    return (
      <main className="page">
        <h1>Campaign analytics</h1>
        {initial.signedIn ? (
          <EmptyState title="No workspaces yet." detail="You are not a member of any workspace. Ask an admin to add you (npm run members -- add <your email> <workspace>)." />
        ) : (
          <EmptyState title="No data yet." detail="No workspace has sent an email or recorded LLM usage. Seed demo data with npm run seed, or wait for the first events." />
        )}
      </main>
    );
  }
  const data = current.data;
  const workspace = list.find((w) => w.workspace_id === query.workspace_id);
  const widest = workspace ? widestRangeWithData(workspace, query.campaign) : null;
  const range = (r: { from: string; to: string }) => `${formatDay(r.from, { year: true, locale })} – ${formatDay(r.to, { year: true, locale })}`;
  const retry = () => {
    void current.mutate();
    void previous.mutate();
  };

  return (
    <main className="page" data-testid="dashboard" data-ready={data && !current.isLoading ? 'true' : 'false'}
      data-switching={data && current.isLoading ? 'true' : 'false'} aria-busy={current.isValidating}>
      <header className="page-header">
        <div>
          <h1>Campaign analytics</h1>
          <p className="muted">
            {range(query)} (UTC){current.isValidating && data ? <span aria-live="polite"> · updating…</span> : null}
          </p>
        </div>
        {workspace?.role === 'admin' ? <RefreshButton workspaceId={query.workspace_id} /> : null}
        {data ? <FreshnessBadge freshness={data.freshness} source={data.source} initialNow={initial.renderedAt} clockOffsetMs={clockOffsetMs} staleAfterSeconds={initial.staleAfterSeconds} /> : null}
      </header>
      <FilterBar query={query} workspaces={list} onChange={change} />
      {notices.map((notice) => <div key={notice} className="banner notice" role="status" data-testid="notice">{notice}</div>)}
      {current.error ? <ErrorBanner message={current.error.message} onRetry={retry} /> : null}
      {data && isEmptyRange(data) ? (
        <EmptyState onWidest={widest ? () => change({ ...query, ...widest, range: null }) : undefined} widestLabel={widest ? range(widest) : undefined} />
      ) : null}
      <KpiGrid current={data?.summary} previous={previous.data?.summary} loading={!data} />
      <DashboardCharts data={data} locale={locale} />
    </main>
  );
}
