'use client';
// The hook of GET /api/dashboard/alerts (a workspace's rules and channels, for the banner and the
// panel), and the admin's changes through the alerts routes, each followed by a fresh read.
import useSWR from 'swr';
import type { AlertsResponse, ChannelInput, RuleInput } from '../alerts/schema';
import { fetchJson, type ApiError } from './fetcher';
import { isAlertsResponse } from './guards';

export function alertsUrl(workspaceId: string): string {
  return `/api/dashboard/alerts?${new URLSearchParams({ workspace_id: workspaceId })}`;
}

/**
 * Polls every minute, like the dashboard: a rule that fires shows within a refresh and a poll.
 * `fallbackData`: the server's read for this workspace, not fetched again on mount.
 */
export function useAlerts(workspaceId: string | null, fallbackData?: AlertsResponse) {
  return useSWR<AlertsResponse, ApiError>(workspaceId ? alertsUrl(workspaceId) : null, (url: string) => fetchJson(url, isAlertsResponse), {
    refreshInterval: 60_000, refreshWhenHidden: false, revalidateOnFocus: true, keepPreviousData: false,
    fallbackData, revalidateOnMount: fallbackData === undefined,
  });
}

/** What an admin's change came to: its answer, or the server's message. */
export type ActionResult<T = unknown> = { ok: true; body: T } | { ok: false; message: string };

async function send<T>(method: string, path: string, workspaceId: string, body?: unknown): Promise<ActionResult<T>> {
  try {
    const response = await fetch(`/api/dashboard/alerts${path}?${new URLSearchParams({ workspace_id: workspaceId })}`, {
      method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer: unknown = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.ok) return { ok: true, body: answer as T };
    const message = answer && typeof answer === 'object' && 'error' in answer && typeof answer.error === 'string' ? answer.error : `The change failed (${response.status}).`;
    return { ok: false, message };
  } catch {
    return { ok: false, message: 'The server could not be reached.' };
  }
}

export interface AlertActions {
  addChannel: (input: ChannelInput) => Promise<ActionResult<{ channel: { id: string }; secret: string | null }>>;
  removeChannel: (id: string) => Promise<ActionResult>;
  enableChannel: (id: string) => Promise<ActionResult>;
  testChannel: (id: string) => Promise<ActionResult<{ delivery: { sent: number; attempted: number } }>>;
  saveRule: (rule: RuleInput, id?: string) => Promise<ActionResult>;
  removeRule: (id: string) => Promise<ActionResult>;
}

/** The admin's changes for one workspace; `after` re-reads the alerts once each is done. */
export function alertActions(workspaceId: string, after: () => unknown): AlertActions {
  const then = async <T>(result: Promise<ActionResult<T>>) => {
    const done = await result;
    await after();
    return done;
  };
  return {
    addChannel: (input) => then(send('POST', '/channels', workspaceId, input)),
    removeChannel: (id) => then(send('DELETE', `/channels/${id}`, workspaceId)),
    enableChannel: (id) => then(send('POST', `/channels/${id}/enable`, workspaceId)),
    testChannel: (id) => then(send('POST', `/channels/${id}/test`, workspaceId)),
    saveRule: (rule, id) => then(send(id ? 'PUT' : 'POST', id ? `/rules/${id}` : '/rules', workspaceId, rule)),
    removeRule: (id) => then(send('DELETE', `/rules/${id}`, workspaceId)),
  };
}
