'use client';
// The dashboard's data container: filters in the URL, data through SWR, the first view handed over
// by the server. The pieces it renders (components/) only draw what they are given.
import { useCallback, useEffect, useState } from 'react';
import { AlertBanner } from '@/components/AlertBanner';
import { AlertsPanel } from '@/components/AlertsPanel';
import { CampaignTable } from '@/components/CampaignTable';
import { CsvButton } from '@/components/CsvButton';
import { DashboardCharts } from '@/components/DashboardCharts';
import { EmptyState } from '@/components/EmptyState';
import { ErrorBanner } from '@/components/ErrorBanner';
import { FilterBar } from '@/components/FilterBar';
import { FreshnessBadge } from '@/components/FreshnessBadge';
import { KpiGrid } from '@/components/KpiGrid';
import { RefreshButton } from '@/components/RefreshButton';
import { TimeZoneSetting } from '@/components/TimeZoneSetting';
import { campaignsCsv, costCsv, csvFileName, timeseriesCsv } from '@/lib/dashboard/csv';
import { apiSearch, filtersToSearch, resolveFilters, widestRangeWithData, withDays } from '@/lib/dashboard/filters';
import { formatDay } from '@/lib/dashboard/format';
import type { AlertsResponse } from '@/lib/alerts/schema';
import type { DashboardQuery } from '@/lib/dashboard/query';
import type { CampaignsResponse, DashboardResponse, WorkspacesResponse } from '@/lib/dashboard/response';
import { alertActions, useAlerts } from '@/lib/swr/use-alerts';
import { useCampaigns, useDashboard } from '@/lib/swr/use-dashboard';
import { useWorkspaces } from '@/lib/swr/use-workspaces';

export interface DashboardInitial {
  query: DashboardQuery | null;
  notices: string[];
  workspaces: WorkspacesResponse;
  /** The server-rendered answers for `query` (the aggregate with its comparison, and the campaigns). */
  current?: DashboardResponse;
  campaigns?: CampaignsResponse;
  /** The workspace's alerts (the banner is in the first paint). */
  alerts?: AlertsResponse;
  renderedAt: number;
  /** Chosen on the server from Accept-Language, so server and browser format dates alike. */
  locale: string;
  /** The server's stale threshold (STALE_AFTER_SECONDS), so the badge and the monitoring agree. */
  staleAfterSeconds?: number;
  /** The server's REFRESH_EVERY_SECONDS: what the badge says, and how often an mv answer is asked again. */
  refreshEverySeconds?: number;
  /** A signed-in user (not the open mode): an empty list means no memberships yet. */
  signedIn?: boolean;
}

/** Two queries ask the API the same question (the server's first answers serve the first view). */
const sameQuery = (a: DashboardQuery | null, b: DashboardQuery | null) =>
  a !== null && b !== null && apiSearch(a) === apiSearch(b) && a.source === b.source;

const PER = { day: 'Daily', week: 'Weekly', month: 'Monthly' } as const;

/** True when a range has nothing at all to show (no email activity, no LLM usage). */
export function isEmptyRange(data: DashboardResponse): boolean {
  const s = data.summary;
  return s.sends + s.opens + s.clicks + s.replies + s.bounces + s.opt_outs + s.llm_calls === 0;
}

export function Dashboard({ initial }: { initial: DashboardInitial }) {
  const { locale } = initial;
  const [query, setQuery] = useState(initial.query);
  const [notices, setNotices] = useState(initial.notices);
  // How far this browser's clock is from the server's, measured once at hydration.
  const [clockOffsetMs, setClockOffsetMs] = useState(0);
  useEffect(() => setClockOffsetMs(Date.now() - initial.renderedAt), [initial.renderedAt]);
  const { data: workspaces } = useWorkspaces(initial.workspaces);
  const list = workspaces?.workspaces ?? initial.workspaces.workspaces;
  const isInitial = sameQuery(query, initial.query);
  const current = useDashboard(query, isInitial ? initial.current : undefined, initial.refreshEverySeconds);
  const campaigns = useCampaigns(query, isInitial ? initial.campaigns : undefined, initial.refreshEverySeconds);
  const alerts = useAlerts(query?.workspace_id ?? null, query?.workspace_id === initial.query?.workspace_id ? initial.alerts : undefined);

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
  // The days on screen are the answer's (a relative range is resolved by the server's clock, in the
  // workspace's zone).
  const shown = data ?? query;
  const workspace = list.find((w) => w.workspace_id === query.workspace_id);
  const timeZone = data?.time_zone ?? workspace?.time_zone ?? 'UTC';
  const widest = workspace ? widestRangeWithData(workspace, query.campaign) : null;
  const range = (r: { from: string; to: string }) => `${formatDay(r.from, { year: true, locale })} – ${formatDay(r.to, { year: true, locale })}`;
  const retry = () => {
    void current.mutate();
    void campaigns.mutate();
  };
  const scope = { workspace_id: shown.workspace_id, campaign: shown.campaign, from: shown.from, to: shown.to, time_zone: timeZone };
  const campaignRows = campaigns.data?.campaigns;

  return (
    <main className="page" data-testid="dashboard" data-ready={data && !current.isLoading ? 'true' : 'false'}
      data-switching={data && current.isLoading ? 'true' : 'false'} aria-busy={current.isValidating}>
      <header className="page-header">
        <div>
          <h1>Campaign analytics</h1>
          <div className="muted shown-range" data-testid="shown-range">
            {range(shown)} · <TimeZoneSetting workspaceId={query.workspace_id} timeZone={timeZone} admin={workspace?.role === 'admin'} />
            {current.isValidating && data ? <span aria-live="polite"> · updating…</span> : null}
          </div>
        </div>
        {workspace?.role === 'admin' ? <RefreshButton workspaceId={query.workspace_id} /> : null}
        {data ? <FreshnessBadge freshness={data.freshness} source={data.source} initialNow={initial.renderedAt} clockOffsetMs={clockOffsetMs} staleAfterSeconds={initial.staleAfterSeconds} refreshEverySeconds={initial.refreshEverySeconds} /> : null}
      </header>
      <FilterBar query={query} workspaces={list} onChange={change} />
      {notices.map((notice) => <div key={notice} className="banner notice" role="status" data-testid="notice">{notice}</div>)}
      {alerts.data ? <AlertBanner rules={alerts.data.rules} /> : null}
      {current.error ? <ErrorBanner message={current.error.message} onRetry={retry} /> : null}
      {data && isEmptyRange(data) ? (
        <EmptyState onWidest={widest ? () => change(withDays(query, { ...widest, range: null })) : undefined} widestLabel={widest ? range(widest) : undefined} />
      ) : null}
      <KpiGrid current={data?.summary} comparison={data ? data.comparison ?? null : undefined} range={shown} locale={locale} loading={!data} />
      <DashboardCharts data={data} locale={locale} interval={data?.interval ?? query.interval} partialDay={data?.partial_day ?? null} />
      <section className="card card-wide" aria-labelledby="campaigns-title" data-testid="campaigns" data-loading={campaignRows ? 'false' : 'true'}>
        <header className="card-header card-header-actions">
          <div>
            <h2 id="campaigns-title">Campaigns side by side</h2>
            <p className="card-subtitle">Every campaign with activity in the range; click a name to see only that campaign</p>
          </div>
          {campaignRows ? <CsvButton testId="csv-campaigns" fileName={csvFileName({ ...scope, campaign: null }, 'campaigns')} csv={() => campaignsCsv(campaignRows)} /> : null}
        </header>
        {campaigns.error ? <p className="muted">The campaigns could not be loaded: {campaigns.error.message}</p> : null}
        {campaignRows ? (
          <CampaignTable rows={campaignRows} hrefFor={(name) => filtersToSearch({ ...query, campaign: name })}
            onSelect={(name) => change({ ...query, campaign: name })} />
        ) : campaigns.error ? null : <p className="muted">Loading campaigns…</p>}
      </section>
      <AlertsPanel alerts={alerts.data} error={alerts.error?.message} admin={alerts.data?.role === 'admin'}
        campaigns={workspace?.campaigns.map((c) => c.campaign_name) ?? []} actions={alertActions(query.workspace_id, () => alerts.mutate())} />
      {data ? (
        <div className="exports" role="group" aria-label="Download as CSV">
          <span className="muted">Download CSV:</span>
          <CsvButton testId="csv-timeseries" label={`${PER[data.interval]} figures`} fileName={csvFileName(scope, PER[data.interval].toLowerCase())} csv={() => timeseriesCsv(data, timeZone)} />
          <CsvButton testId="csv-cost" label="LLM cost by model" fileName={csvFileName(scope, 'llm-cost')} csv={() => costCsv(data)} />
        </div>
      ) : null}
    </main>
  );
}
