// @vitest-environment jsdom
// The page as a whole in the browser: the server's first view needs no request, a failing API
// shows its message with a Retry that works, and an empty range offers the widest one with data.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SWRConfig } from 'swr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dashboard, isEmptyRange, type DashboardInitial } from '../../app/Dashboard';
import type { CampaignsResponse, DashboardResponse, DashboardSummary } from '../../lib/dashboard/response';

const zero: DashboardSummary = {
  sends: 0, opens: 0, clicks: 0, replies: 0, bounces: 0, opt_outs: 0, unique_contacts: 0,
  open_rate: null, click_rate: null, reply_rate: null, bounce_rate: null, opt_out_rate: null,
  total_cost_usd: 0, llm_calls: 0, tokens_in: 0, tokens_out: 0,
};
const busy: DashboardSummary = {
  ...zero, sends: 12345, opens: 4000, clicks: 600, replies: 250, bounces: 90, opt_outs: 12, unique_contacts: 9000,
  open_rate: 0.324, click_rate: 0.0486, reply_rate: 0.02025, bounce_rate: 0.0073, opt_out_rate: 0.001,
  total_cost_usd: 1234.561, llm_calls: 800, tokens_in: 1_200_000, tokens_out: 300_000,
};

const freshness = () => [{ view_name: 'mv_daily_stats', last_refreshed: new Date().toISOString(), age_seconds: 0, pending_buckets: 0, live: false, raw_buckets: 0 }];

/** An aggregate answer; with `previous`, its comparison (the whole range against the period before). */
function answer(from: string, to: string, summary: DashboardSummary, previous?: DashboardSummary): DashboardResponse {
  return {
    workspace_id: 'acme', from, to, campaign: null, source: 'mv', time_zone: 'UTC', interval: 'day', partial_day: null, summary,
    timeseries: [], sequence: [], cost_breakdown: [], freshness: freshness(),
    comparison: previous ? { current: { from, to, summary }, previous: { from: '2025-10-09', to: '2025-11-07', summary: previous }, partial_day: null } : null,
  };
}

function campaignsAnswer(from: string, to: string): CampaignsResponse {
  return {
    workspace_id: 'acme', from, to, campaign: null, source: 'mv', time_zone: 'UTC', partial_day: null, freshness: freshness(),
    campaigns: [{
      campaign_name: 'Alpha', sends: 10, opens: 5, clicks: 1, replies: 1, bounces: 0, opt_outs: 0, unique_contacts: 8,
      open_rate: 0.5, click_rate: 0.1, reply_rate: 0.1, bounce_rate: 0, opt_out_rate: 0, total_cost_usd: 2, llm_calls: 4, cost_per_reply: 2,
    }],
    unattributed: { total_cost_usd: 0, llm_calls: 0 },
  };
}

/** What the API answers: the aggregate or the campaigns, for the days asked. */
function apiAnswer(input: RequestInfo | URL, summary: DashboardSummary, days?: { from: string; to: string }): Response {
  const url = new URL(String(input), 'http://localhost');
  const from = days?.from ?? url.searchParams.get('from') ?? '';
  const to = days?.to ?? url.searchParams.get('to') ?? '';
  return url.pathname.endsWith('/campaigns') ? json(200, campaignsAnswer(from, to)) : json(200, answer(from, to, summary, summary));
}

function initial(over: Partial<DashboardInitial> = {}): DashboardInitial {
  return {
    query: { workspace_id: 'acme', from: '2025-11-08', to: '2025-12-07', range: null, campaign: null, source: 'mv', interval: 'day', compare: 'previous' },
    notices: [],
    workspaces: { workspaces: [{ workspace_id: 'acme', first_day: '2025-01-01', last_day: '2025-06-30', campaigns: [], time_zone: 'UTC' }] },
    renderedAt: Date.now(),
    locale: 'en-US',
    alerts: { workspace_id: 'acme', channels: [], rules: [] },
    ...over,
  };
}

/** A fresh SWR cache per test, so no answer leaks from one test to the next. */
function show(init: DashboardInitial) {
  return render(<SWRConfig value={{ provider: () => new Map(), dedupingInterval: 0 }}><Dashboard initial={init} /></SWRConfig>);
}

const fetchMock = vi.fn<typeof fetch>();
beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const nextFrames = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('the dashboard view', () => {
  it('paints the server-rendered numbers at once, with their change, and does not fetch them again', async () => {
    show(initial({ current: answer('2025-11-08', '2025-12-07', busy, { ...busy, sends: 9876 }), campaigns: campaignsAnswer('2025-11-08', '2025-12-07') }));
    expect(screen.getByTestId('kpi-sends-value').textContent).toBe('12,345');
    expect(screen.getByTestId('kpi-open-rate-value').textContent).toBe('32.4\u00a0%');
    expect(screen.getByTestId('kpi-llm-cost-value').textContent).toBe('$1,234.56');
    expect(screen.getByTestId('kpi-sends').textContent).toContain('▲ 25.0');
    expect(screen.getByTestId('freshness').textContent).toContain('Data as of just now');
    expect(screen.queryByTestId('empty-state')).toBeNull();
    // SWR revalidates stale data on the next animation frame after mount: let two frames pass.
    await act(nextFrames);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('over raw-table numbers (source=raw) shows them as live, even with views an hour old', async () => {
    const hourOld = new Date(Date.now() - 3_600_000).toISOString();
    const raw: DashboardResponse = {
      ...answer('2025-11-08', '2025-12-07', busy), source: 'raw',
      freshness: [{ view_name: 'mv_daily_stats', last_refreshed: hourOld, age_seconds: 3_600, pending_buckets: 0, live: false, raw_buckets: 30 }],
    };
    show(initial({ query: { workspace_id: 'acme', from: '2025-11-08', to: '2025-12-07', range: null, campaign: null, source: 'raw', interval: 'day', compare: 'previous' }, current: raw }));
    const badge = screen.getByTestId('freshness');
    expect(badge.dataset.stale).toBe('false');
    expect(badge.textContent).toContain('Live numbers from the raw tables');
    expect(badge.textContent).not.toContain('refresh may be failing');
  });

  it('shows skeletons, then the server\'s message with a Retry that asks again', async () => {
    fetchMock.mockImplementation(async () => json(503, { error: 'The database is unavailable.' }));
    show(initial());
    expect(screen.getByTestId('kpis-loading')).toBeTruthy();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The database is unavailable.');
    const calls = fetchMock.mock.calls.length;

    fetchMock.mockImplementation(async (input) => apiAnswer(input, busy));
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('kpi-sends-value').textContent).toBe('12,345'));
    expect(fetchMock.mock.calls.length).toBeGreaterThan(calls);
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
  });

  it('says when a range is empty and moves to the widest range with data, in the URL too', async () => {
    fetchMock.mockImplementation(async (input) => apiAnswer(input, busy, { from: '2025-01-01', to: '2025-06-30' }));
    show(initial({ current: answer('2025-11-08', '2025-12-07', zero, zero), campaigns: campaignsAnswer('2025-11-08', '2025-12-07') }));
    expect(screen.getByTestId('empty-state').textContent).toContain('No data for this range');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /Show Jan 1, 2025 – Jun 30, 2025/ }));
    });
    expect(new URLSearchParams(window.location.search).get('from')).toBe('2025-01-01');
    expect(new URLSearchParams(window.location.search).get('to')).toBe('2025-06-30');
    await waitFor(() => expect(screen.queryByTestId('empty-state')).toBeNull());
    expect(fetchMock.mock.calls.map(([url]) => String(url))).toContain('/api/dashboard/aggregate?workspace_id=acme&from=2025-01-01&to=2025-06-30&interval=week&compare=previous');
  });

  it('keeps the previous numbers on screen, dimmed, while a new filter loads', async () => {
    fetchMock.mockImplementation(() => new Promise<Response>(() => undefined));
    show(initial({ current: answer('2025-11-08', '2025-12-07', busy, busy), campaigns: campaignsAnswer('2025-11-08', '2025-12-07') }));
    expect(screen.getByTestId('dashboard').dataset.switching).toBe('false');
    await act(async () => {
      fireEvent.click(screen.getByTestId('preset-7d'));
    });
    expect(new URLSearchParams(window.location.search).get('range')).toBe('7d');
    expect(screen.getByTestId('dashboard').dataset.switching).toBe('true');
    expect(screen.getByTestId('dashboard').dataset.ready).toBe('false');
    expect(screen.getByTestId('kpi-sends-value').textContent).toBe('12,345');
    expect(screen.queryByTestId('kpis-loading')).toBeNull();
  });

  it('counts a range with only LLM usage or only bounces as not empty', () => {
    expect(isEmptyRange(answer('2025-01-01', '2025-01-31', zero))).toBe(true);
    expect(isEmptyRange(answer('2025-01-01', '2025-01-31', { ...zero, llm_calls: 1 }))).toBe(false);
    expect(isEmptyRange(answer('2025-01-01', '2025-01-31', { ...zero, bounces: 1 }))).toBe(false);
  });
});
