'use client';
// The hook of GET /api/dashboard/workspaces: what the filters offer. It changes rarely.
import useSWR from 'swr';
import type { WorkspacesResponse } from '../dashboard/response';
import { fetchJson, type ApiError } from './fetcher';
import { isWorkspacesResponse } from './guards';

export function useWorkspaces(fallbackData?: WorkspacesResponse) {
  return useSWR<WorkspacesResponse, ApiError>(
    '/api/dashboard/workspaces',
    (url: string) => fetchJson(url, isWorkspacesResponse),
    { refreshInterval: 300_000, refreshWhenHidden: false, fallbackData, revalidateOnMount: fallbackData === undefined },
  );
}
