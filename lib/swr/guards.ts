// The shapes the page's hooks draw, checked in the browser without zod (the server validated the
// whole answer against the contract's schema before sending it; see fetcher.ts).
import type { AlertsResponse } from '../alerts/schema';
import type { CampaignsResponse, DashboardResponse, WorkspacesResponse } from '../dashboard/response';

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const has = (value: Fields, kinds: Record<string, 'string' | 'array' | 'object'>) =>
  Object.entries(kinds).every(([key, kind]) =>
    kind === 'array' ? Array.isArray(value[key]) : kind === 'object' ? isObject(value[key]) : typeof value[key] === 'string');

export function isDashboardResponse(value: unknown): value is DashboardResponse {
  return isObject(value) && has(value, {
    workspace_id: 'string', from: 'string', to: 'string', interval: 'string',
    summary: 'object', timeseries: 'array', sequence: 'array', cost_breakdown: 'array', freshness: 'array',
  });
}

export function isCampaignsResponse(value: unknown): value is CampaignsResponse {
  return isObject(value) && has(value, { workspace_id: 'string', from: 'string', to: 'string', campaigns: 'array', unattributed: 'object', freshness: 'array' });
}

export function isWorkspacesResponse(value: unknown): value is WorkspacesResponse {
  return isObject(value) && has(value, { workspaces: 'array' });
}

export function isAlertsResponse(value: unknown): value is AlertsResponse {
  return isObject(value) && has(value, { rules: 'array', channels: 'array' });
}
