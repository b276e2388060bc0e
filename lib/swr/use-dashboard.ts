'use client';
// Data hooks of the page: one per endpoint, polling every minute while the tab is visible and
// keeping the previous answer on screen while a new filter loads.
import useSWR from 'swr';
import { filtersToSearch } from '../dashboard/filters';
import type { DashboardQuery } from '../dashboard/query';
import { dashboardResponseSchema, workspacesResponseSchema, type DashboardResponse, type WorkspacesResponse } from '../dashboard/response';
import { fetchJson, type ApiError } from './fetcher';

const POLL = { refreshInterval: 60_000, refreshWhenHidden: false, keepPreviousData: true, revalidateOnFocus: true } as const;

export function dashboardUrl(query: DashboardQuery): string {
  return `/api/dashboard/aggregate${filtersToSearch(query)}`;
}

export function useDashboard(query: DashboardQuery | null, fallbackData?: DashboardResponse) {
  return useSWR<DashboardResponse, ApiError>(
    query ? dashboardUrl(query) : null,
    (url: string) => fetchJson(url, dashboardResponseSchema),
    { ...POLL, fallbackData },
  );
}

export function useWorkspaces(fallbackData?: WorkspacesResponse) {
  return useSWR<WorkspacesResponse, ApiError>(
    '/api/dashboard/workspaces',
    (url: string) => fetchJson(url, workspacesResponseSchema),
    { refreshInterval: 300_000, refreshWhenHidden: false, fallbackData },
  );
}
