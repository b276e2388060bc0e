'use client';
// The hook of GET /api/dashboard/aggregate: polls every minute (live: every 10 s) while the tab is visible, and keeps
// the previous answer on screen while a new filter loads.
import useSWR from 'swr';
import { filtersToSearch } from '../dashboard/filters';
import type { DashboardQuery } from '../dashboard/query';
import { dashboardResponseSchema, type DashboardResponse } from '../dashboard/response';
import { fetchJson, type ApiError } from './fetcher';

export const REFRESH_MS = 60_000;
/** Live answers move with every committed event: poll more often (a 304 costs one small query). */
export const LIVE_REFRESH_MS = 10_000;

export function dashboardUrl(query: DashboardQuery): string {
  return `/api/dashboard/aggregate${filtersToSearch(query)}`;
}

/**
 * `fallbackData` is the server-rendered answer for this very query: it is fresh, so the first
 * mount does not fetch it again (the next poll or focus does).
 */
export function useDashboard(query: DashboardQuery | null, fallbackData?: DashboardResponse) {
  return useSWR<DashboardResponse, ApiError>(
    query ? dashboardUrl(query) : null,
    (url: string) => fetchJson(url, dashboardResponseSchema),
    {
      refreshInterval: query?.source === 'live' ? LIVE_REFRESH_MS : REFRESH_MS,
      refreshWhenHidden: false,
      revalidateOnFocus: true,
      keepPreviousData: true,
      fallbackData,
      revalidateOnMount: fallbackData === undefined,
    },
  );
}
