'use client';
// The hooks of GET /api/dashboard/aggregate (with compare=previous: the range and its comparison in
// one request) and GET /api/dashboard/campaigns. They poll as often as the views refresh, between
// 5 s and a minute (live: every 10 s), while the tab is visible, and keep the previous answer on screen while a new filter loads. A relative
// range (range=30d) is resolved by the server on each request, so an open tab moves past midnight.
import useSWR from 'swr';
import { apiSearch, campaignsQuery } from '../dashboard/filters';
import type { DashboardQuery } from '../dashboard/query';
import type { CampaignsResponse, DashboardResponse } from '../dashboard/response';
import { DEFAULT_REFRESH_EVERY_SECONDS, pollMsFor } from '../freshness';
import { fetchJson, type ApiError, type Guard } from './fetcher';
import { isCampaignsResponse, isDashboardResponse } from './guards';

/** Live answers move with every committed event: poll more often (a 304 costs one small query). */
export const LIVE_REFRESH_MS = 10_000;

export function dashboardUrl(query: DashboardQuery): string {
  return `/api/dashboard/aggregate${apiSearch(query)}`;
}

/** Every campaign of the workspace side by side (the campaign filter and the interval do not narrow the table). */
export function campaignsUrl(query: DashboardQuery): string {
  return `/api/dashboard/campaigns${apiSearch(campaignsQuery(query))}`;
}

/**
 * `fallbackData` is the server-rendered answer for this very query: it is fresh, so the first
 * mount does not fetch it again (the next poll or focus does).
 */
function usePolled<T>(url: string | null, isExpected: Guard<T>, live: boolean, fallbackData: T | undefined, refreshEverySeconds: number) {
  return useSWR<T, ApiError>(url, (key: string) => fetchJson(key, isExpected), {
    refreshInterval: live ? LIVE_REFRESH_MS : pollMsFor(refreshEverySeconds),
    refreshWhenHidden: false,
    revalidateOnFocus: true,
    keepPreviousData: true,
    fallbackData,
    revalidateOnMount: fallbackData === undefined,
  });
}

export function useDashboard(query: DashboardQuery | null, fallbackData?: DashboardResponse, refreshEverySeconds = DEFAULT_REFRESH_EVERY_SECONDS) {
  return usePolled(query ? dashboardUrl(query) : null, isDashboardResponse, query?.source === 'live', fallbackData, refreshEverySeconds);
}

export function useCampaigns(query: DashboardQuery | null, fallbackData?: CampaignsResponse, refreshEverySeconds = DEFAULT_REFRESH_EVERY_SECONDS) {
  return usePolled(query ? campaignsUrl(query) : null, isCampaignsResponse, query?.source === 'live', fallbackData, refreshEverySeconds);
}
