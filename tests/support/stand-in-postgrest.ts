// A stand-in for PostgREST (PostgREST cannot run here), at supabase-js's HTTP edge: it answers each
// RPC (POST /rest/v1/rpc/<function>) as told and records the calls. In-process as a fetch function,
// or over HTTP for a real `next start` (SUPABASE_URL pointing at it). Plus the answers of a database
// deployed behind the app: the shapes earlier migrations gave, and PostgREST's "no such function".
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_SCHEMA_VERSION } from '../../lib/db/schema-version';

export interface RpcAnswer {
  status: number;
  body: unknown;
}

export const missingFunction = (name: string): RpcAnswer => ({
  status: 404,
  body: { code: 'PGRST202', message: `Could not find the function public.${name} in the schema cache`, details: null, hint: null },
});

export const schemaVersion = (version: string, compatibleSince: string): RpcAnswer => ({
  status: 200,
  body: { version, compatible_since: compatibleSince },
});

export const IN_STEP = schemaVersion(APP_SCHEMA_VERSION, '20251222000001');

const zero = { sends: 0, opens: 0, clicks: 0, replies: 0, bounces: 0, opt_outs: 0, unique_contacts: 0 };
const summary = { ...zero, open_rate: null, click_rate: null, reply_rate: null, bounce_rate: null, opt_out_rate: null, total_cost_usd: 0, llm_calls: 0, tokens_in: 0, tokens_out: 0 };
const freshness = [{ view_name: 'mv_daily_stats', last_refreshed: '2025-01-01T00:00:00Z', age_seconds: 3, pending_buckets: 0, live: false, raw_buckets: 0 }];

/** dashboard_aggregate's answer today (one day, no data). */
export function currentAggregate(workspaceId: string, day: string): Record<string, unknown> {
  return {
    workspace_id: workspaceId, from: day, to: day, campaign: null, source: 'mv', time_zone: 'UTC', interval: 'day', partial_day: null, data_version: 1,
    summary, timeseries: [{ day, ...zero, cost_usd: 0, cost_by_provider: {} }], sequence: [1, 2, 3, 4, 5].map((step) => ({ step, sends: 0 })),
    cost_breakdown: [], freshness,
  };
}

/** dashboard_answer_context's answer today, for a member (the zone, today there, the data version). */
export function currentContext(today: string): RpcAnswer {
  return { status: 200, body: { workspace_id: 'acme', source: 'mv', time_zone: 'UTC', today, data_version: 1, role: 'admin' } };
}

/** dashboard_answer_basis's answer today (open mode): the context, and the freshness rows of an mv answer. */
export function currentBasis(today: string, dataVersion = 1): RpcAnswer {
  return { status: 200, body: { workspace_id: 'acme', source: 'mv', time_zone: 'UTC', today, data_version: dataVersion, freshness } };
}

/** dashboard_workspaces_basis's answer (open mode): the version of the workspace list. */
export const WORKSPACES_BASIS: RpcAnswer = { status: 200, body: { views_version: 1 } };

/** What a database migrated only up to 20251221000002 answers: the functions and shapes of then. */
export const BEFORE_BUCKETS: Record<string, RpcAnswer> = {
  dashboard_schema_version: missingFunction('dashboard_schema_version'),
  // The aggregate without interval and partial_day (and no p_interval parameter: PostgREST finds
  // no function with the arguments sent).
  dashboard_aggregate: missingFunction('dashboard_aggregate'),
  dashboard_aggregate_for_member: missingFunction('dashboard_aggregate_for_member'),
  dashboard_campaigns: missingFunction('dashboard_campaigns'),
  dashboard_campaigns_for_member: missingFunction('dashboard_campaigns_for_member'),
  dashboard_answer_context: missingFunction('dashboard_answer_context'),
  dashboard_answer_context_for_member: missingFunction('dashboard_answer_context_for_member'),
  // What the answers cache reads first (20251231000001).
  dashboard_answer_basis: missingFunction('dashboard_answer_basis'),
  dashboard_answer_basis_for_member: missingFunction('dashboard_answer_basis_for_member'),
  dashboard_workspaces_basis: missingFunction('dashboard_workspaces_basis'),
  dashboard_workspaces_basis_for_member: missingFunction('dashboard_workspaces_basis_for_member'),
  dashboard_time_zones: missingFunction('dashboard_time_zones'),
  dashboard_workspace_time_zone_for_member: missingFunction('dashboard_workspace_time_zone_for_member'),
  dashboard_set_time_zone_for_member: missingFunction('dashboard_set_time_zone_for_member'),
  // Workspaces as a bare list, freshness without pending_buckets, the refresh's answer of then.
  dashboard_workspaces: { status: 200, body: [{ workspace_id: 'acme' }] },
  dashboard_workspaces_for_member: { status: 200, body: [{ workspace_id: 'acme' }] },
  get_view_freshness: { status: 200, body: [{ view_name: 'mv_daily_stats', last_refreshed: '2025-01-01T00:00:00Z', age_seconds: 3 }] },
  refresh_dashboard_views: { status: 200, body: { refreshed: true } },
  dashboard_member_role: { status: 200, body: 'admin' },
};

export interface StandInPostgrest {
  /** supabase-js's fetch, answering in-process. */
  fetch: typeof fetch;
  /** The functions called, in order. */
  calls: () => string[];
  /** Changes what a function answers (a migration applied, a database replaced). */
  answer: (name: string, reply: RpcAnswer) => void;
  /** The same stand-in over HTTP, for `next start`. */
  serve: () => Promise<{ url: string; close: () => Promise<void> }>;
}

export function standInPostgrest(answers: Record<string, RpcAnswer>): StandInPostgrest {
  const table = new Map(Object.entries(answers));
  const seen: string[] = [];
  const reply = (pathname: string): RpcAnswer => {
    const name = /^\/rest\/v1\/rpc\/(\w+)$/.exec(pathname)?.[1] ?? '';
    seen.push(name);
    return table.get(name) ?? missingFunction(name);
  };
  return {
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const { status, body } = reply(new URL(new Request(input, init).url).pathname);
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch,
    calls: () => [...seen],
    answer: (name, answer) => table.set(name, answer),
    serve: async () => {
      const server = http.createServer((request, response) => {
        request.resume();
        request.on('end', () => {
          const { status, body } = reply(new URL(request.url ?? '/', 'http://localhost').pathname);
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify(body));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
      };
    },
  };
}
