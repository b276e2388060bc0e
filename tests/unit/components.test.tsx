// @vitest-environment jsdom
// The page's states that a person must be able to read: KPIs with their change, stale data,
// errors with Retry, and an empty range.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BugBanner } from '../../components/BugBanner';
import { EmptyState } from '../../components/EmptyState';
import { DayTooltip } from '../../components/DayTooltip';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FreshnessBadge, oldestAgeSeconds } from '../../components/FreshnessBadge';
import { KpiGrid } from '../../components/KpiGrid';
import type { DashboardSummary } from '../../lib/dashboard/response';

afterEach(cleanup);

const summary = (over: Partial<DashboardSummary> = {}): DashboardSummary => ({
  sends: 1000, opens: 500, clicks: 100, replies: 40, bounces: 10, opt_outs: 5, unique_contacts: 800,
  open_rate: 0.5, click_rate: 0.1, reply_rate: 0.04, bounce_rate: 0.01, opt_out_rate: 0.005,
  total_cost_usd: 20, llm_calls: 300, tokens_in: 1_000_000, tokens_out: 200_000, ...over,
});

const range = { from: '2025-11-08', to: '2025-12-07' };
const compared = (current: DashboardSummary, previous: DashboardSummary, partial_day: string | null = null) => ({
  current: { from: '2025-11-08', to: '2025-12-07', summary: current },
  previous: { from: '2025-10-09', to: '2025-11-07', summary: previous },
  partial_day,
});

describe('KpiGrid', () => {
  it('shows each figure with its change against the previous period, good and bad news coloured', () => {
    render(<KpiGrid current={summary()} comparison={compared(summary(), summary({ sends: 800, bounce_rate: 0.005, total_cost_usd: 25, replies: 50 }))} range={range} locale="en-US" loading={false} />);
    expect(screen.getByTestId('kpi-sends-value').textContent).toBe('1,000');
    expect(screen.getByTestId('kpi-sends').textContent).toContain('▲ 25.0');
    // Rates move in percentage points: 1.0 % against 0.5 % is +0.5 pp (bad news for bounces).
    expect(screen.getByTestId('kpi-bounce-rate-change').textContent).toBe('▲ 0.5\u00a0pp vs prior');
    expect(screen.getByTestId('kpi-sends').querySelector('.kpi-change')?.className).toContain('good');
    expect(screen.getByTestId('kpi-bounce-rate').querySelector('.kpi-change')?.className).toContain('bad');
    expect(screen.getByTestId('kpi-llm-cost-value').textContent).toBe('$20.00');
    expect(screen.getByTestId('kpi-llm-cost').querySelector('.kpi-change')?.className).toContain('good');
    // $20 / 40 replies = $0.50, against $25 / 50 = $0.50: no change.
    expect(screen.getByTestId('kpi-cost-per-reply-value').textContent).toBe('$0.50');
    expect(screen.getByTestId('kpi-cost-per-reply').textContent).toContain('± 0.0');
  });

  it('compares the complete days only, and says so, when the range ends today', () => {
    // The whole range's figures are shown; the change compares its complete days with as many before.
    const comparison = { ...compared(summary({ sends: 900 }), summary({ sends: 900 }), '2025-12-07'), current: { from: '2025-11-08', to: '2025-12-06', summary: summary({ sends: 900 }) } };
    render(<KpiGrid current={summary()} comparison={comparison} range={range} locale="en-US" loading={false} />);
    expect(screen.getByTestId('kpi-sends-value').textContent).toBe('1,000');
    expect(screen.getByTestId('kpi-sends-change').textContent).toBe('± 0.0\u00a0% vs prior');
    expect(screen.getByTestId('comparison-note').textContent).toBe('Changes compare Nov 8 – Dec 6, 2025 with Oct 9 – Nov 7, 2025 (today is still filling and is left out).');
  });

  it('shows no change, and why, when the range has no complete day', () => {
    render(<KpiGrid current={summary()} comparison={null} range={{ from: '2025-12-07', to: '2025-12-07' }} loading={false} />);
    expect(screen.getByTestId('kpi-sends-change').textContent).toBe('— vs prior');
    expect(screen.getByTestId('comparison-note').textContent).toMatch(/no complete day/);
  });

  it('shows a dash, not a fake number, when there is nothing to compare or divide', () => {
    render(<KpiGrid current={summary({ sends: 0, open_rate: null, replies: 0 })} comparison={compared(summary({ sends: 0, open_rate: null, replies: 0 }), summary({ sends: 0 }))} range={range} loading={false} />);
    expect(screen.getByTestId('kpi-open-rate-value').textContent).toBe('—');
    expect(screen.getByTestId('kpi-cost-per-reply-value').textContent).toBe('—');
    expect(screen.getByTestId('kpi-sends').textContent).toContain('—');
  });

  it('keeps the layout with skeletons while loading', () => {
    const { container } = render(<KpiGrid loading range={range} />);
    expect(container.querySelectorAll('.kpi .skeleton')).toHaveLength(9);
  });
});

describe('FreshnessBadge', () => {
  const now = Date.parse('2025-12-07T12:00:00Z');
  const views = (secondsAgo: number[]) => secondsAgo.map((s, i) => ({
    view_name: `mv_${i}`, last_refreshed: new Date(now - s * 1000).toISOString(), age_seconds: s,
    pending_buckets: 0, live: false, raw_buckets: 0,
  }));

  it('says how old the oldest view is', () => {
    vi.useFakeTimers({ now });
    render(<FreshnessBadge source="mv" freshness={views([60, 180])} initialNow={now} />);
    expect(screen.getByTestId('freshness').textContent).toContain('Data as of 3 min ago');
    expect(screen.getByTestId('freshness').dataset.stale).toBe('false');
    vi.useRealTimers();
  });

  it('turns amber and explains itself past 10 minutes', () => {
    vi.useFakeTimers({ now });
    render(<FreshnessBadge source="mv" freshness={views([60, 900])} initialNow={now} />);
    expect(screen.getByTestId('freshness').dataset.stale).toBe('true');
    expect(screen.getByTestId('freshness').textContent).toMatch(/15 min ago.*refresh may be failing/);
    vi.useRealTimers();
  });

  it('counts on the server\'s clock, so a browser clock an hour fast does not fake a stale warning', () => {
    vi.useFakeTimers({ now: now + 3_600_000 });
    render(<FreshnessBadge source="mv" freshness={views([60, 180])} initialNow={now} clockOffsetMs={3_600_000} />);
    expect(screen.getByTestId('freshness').textContent).toContain('Data as of 3 min ago');
    expect(screen.getByTestId('freshness').dataset.stale).toBe('false');
    vi.useRealTimers();
  });

  it('over an answer from the raw tables says the numbers are live, never that refresh may be failing', () => {
    vi.useFakeTimers({ now });
    render(<FreshnessBadge freshness={views([60, 3_600])} initialNow={now} source="raw" />);
    const badge = screen.getByTestId('freshness');
    expect(badge.dataset.stale).toBe('false');
    expect(badge.textContent).toContain('Live numbers from the raw tables');
    expect(badge.textContent).not.toMatch(/refresh may be failing|Data as of/);
    vi.useRealTimers();
  });

  it('follows the server\'s configured threshold', () => {
    vi.useFakeTimers({ now });
    render(<FreshnessBadge source="mv" freshness={views([400])} initialNow={now} staleAfterSeconds={300} />);
    expect(screen.getByTestId('freshness').dataset.stale).toBe('true');
    vi.useRealTimers();
  });

  it('follows the server\'s refresh interval: stale past two missed refreshes (at least a minute), and says the interval', () => {
    vi.useFakeTimers({ now });
    const { rerender } = render(<FreshnessBadge source="mv" freshness={views([45])} initialNow={now} refreshEverySeconds={10} />);
    expect(screen.getByTestId('freshness').dataset.stale).toBe('false');
    rerender(<FreshnessBadge source="mv" freshness={views([90])} initialNow={now} refreshEverySeconds={10} />);
    expect(screen.getByTestId('freshness').dataset.stale).toBe('true');
    expect(screen.getByTestId('freshness').textContent).toContain('the views refresh every 10 seconds');
    vi.useRealTimers();
  });

  it('computes age from refresh times, so it keeps counting between fetches', () => {
    expect(oldestAgeSeconds(views([10, 20]), now + 60_000)).toBe(80);
    expect(oldestAgeSeconds([], now)).toBeNull();
  });

  it('counts a view never refreshed as stale and says how to fill it', () => {
    vi.useFakeTimers({ now });
    const never = [{ ...views([60])[0]!, last_refreshed: null, age_seconds: null }];
    render(<FreshnessBadge source="mv" freshness={never} initialNow={now} />);
    expect(screen.getByTestId('freshness').dataset.stale).toBe('true');
    expect(screen.getByTestId('freshness').textContent).toMatch(/not refreshed yet.*npm run refresh/);
    vi.useRealTimers();
  });

  it('says "Live" over live and raw answers, never "refresh may be failing", however old the views are', () => {
    vi.useFakeTimers({ now });
    const old = views([90_000]).map((f) => ({ ...f, live: true, raw_buckets: 2 }));
    const { unmount } = render(<FreshnessBadge source="live" freshness={old} initialNow={now} />);
    expect(screen.getByTestId('freshness').textContent).toContain('Live');
    expect(screen.getByTestId('freshness').dataset.stale).toBe('false');
    expect(screen.getByTestId('freshness').title).toContain('raw rows of 2 days');
    unmount();
    render(<FreshnessBadge source="raw" freshness={views([90_000])} initialNow={now} />);
    expect(screen.getByTestId('freshness').textContent).toContain('Live numbers from the raw tables');
    expect(screen.getByTestId('freshness').textContent).not.toContain('may be failing');
    vi.useRealTimers();
  });
});

describe('ErrorBanner and EmptyState', () => {
  it('shows the server\'s message and retries on request', () => {
    const retry = vi.fn();
    render(<ErrorBanner message="The database is unavailable." onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toContain('The database is unavailable.');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('a bug shows no detail, only the digest that finds the server log\'s line, and retries', () => {
    const retry = vi.fn();
    render(<BugBanner digest="2451214209" onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).toBe('Could not load the dashboard: something went wrong on our side. The details are in the server log (reference 2451214209).Retry');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(retry).toHaveBeenCalledOnce();
    cleanup();
    render(<BugBanner onRetry={retry} />);
    expect(screen.getByRole('alert').textContent).not.toContain('reference');
  });

  it('offers the widest range with data', () => {
    const widen = vi.fn();
    render(<EmptyState onWidest={widen} widestLabel="Jan 1, 2025 – Dec 7, 2025" />);
    expect(screen.getByTestId('empty-state').textContent).toContain('No data for this range');
    fireEvent.click(screen.getByRole('button', { name: /Jan 1, 2025/ }));
    expect(widen).toHaveBeenCalledOnce();
  });
});

describe('DayTooltip', () => {
  it('lists every figure of the day, formatted, under the date', () => {
    render(<DayTooltip locale="en-US" point={{
      day: '2025-11-03', sends: 12345, opens: 4000, clicks: 600, replies: 25, bounces: 9, opt_outs: 1,
      unique_contacts: 9000, cost_usd: 1234.5, cost_by_provider: { openai: 1234.5 },
    }} />);
    const text = screen.getByTestId('day-tooltip').textContent ?? '';
    expect(text).toContain('Nov 3, 2025');
    for (const figure of ['Sends12,345', 'Opens4,000', 'Clicks600', 'Replies25', 'Bounces9', 'Opt-outs1', 'Unique contacts9,000', 'LLM cost$1,234.50']) {
      expect(text).toContain(figure);
    }
  });
});
