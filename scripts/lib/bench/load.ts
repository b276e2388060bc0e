// npm run bench -- --load: many viewers at once over HTTP against `next start`, with the answers
// cache on and then off (DASHBOARD_CACHE=off), the same rows, the same mix of requests, the same
// time. Each side is a fresh server: the cache starts empty, as after a deploy. Then one client asks
// the page's default question of both servers in turn: what one cached answer costs over HTTP.
import type pg from 'pg';
import { RELATIVE_RANGE_IDS } from '../../../lib/dashboard/days';
import type { NextServer } from '../next-server';
import type { BenchAuth } from './http-auth';
import { pickTarget, type Target } from './measure';
import { round, summarize } from './stats';

export const DEFAULT_LOAD_CLIENTS = 16;
export const DEFAULT_LOAD_SECONDS = 30;
/** Share of requests that repeat the page's default question; the rest vary range, campaign and table. */
export const REPEAT_SHARE = 0.8;
/** Not counted: the first requests of each side (the server's code warming up, the first answers computed). */
const WARM_UP_MS = 2_000;
/** One client, after the load: requests to each server (after ONE_CLIENT_WARM_UP not counted), in runs of ONE_CLIENT_RUN. */
export const ONE_CLIENT_REQUESTS = 500;
const ONE_CLIENT_WARM_UP = 20;
const ONE_CLIENT_RUN = 25;

export interface LoadSide {
  cache: 'on' | 'off';
  requests: number;
  requests_per_second: number;
  p50_ms: number;
  p99_ms: number;
  /** Of the requests the cache could answer (source mv): share answered from it (x-dashboard-cache: hit). */
  hit_rate: number;
  /** How each response said it was found, counted. */
  cache_headers: Record<string, number>;
  /** Answers other than 200 (none expected). */
  errors: number;
}

/** One client alone asking the page's default question: with the cache on, a kept answer's cost over HTTP. */
export interface OneClientSide {
  cache: 'on' | 'off';
  requests: number;
  p50_ms: number;
  p95_ms: number;
  /** How each response said it was found, counted. */
  cache_headers: Record<string, number>;
}

export interface LoadResult {
  events: number;
  clients: number;
  seconds: number;
  target: Target;
  mix: { repeat_share: number; repeated: string; others: number };
  sides: LoadSide[];
  /** The same question from one client to both servers in turn (side by side: the same machine load). */
  one_client: { path: string; sides: OneClientSide[] };
}

/** One viewer's next request: mostly the page's default question, sometimes another range, campaign or table. */
export function requestMix(target: Target, campaigns: string[]): { repeated: string; others: string[] } {
  const w = encodeURIComponent(target.workspace);
  const repeated = `/api/dashboard/aggregate?workspace_id=${w}&range=30d&compare=previous`;
  const others: string[] = [];
  for (const range of RELATIVE_RANGE_IDS) {
    for (const campaign of [null, ...campaigns]) {
      const scope = campaign === null ? '' : `&campaign=${encodeURIComponent(campaign)}`;
      if (!(range === '30d' && campaign === null)) others.push(`/api/dashboard/aggregate?workspace_id=${w}&range=${range}&compare=previous${scope}`);
    }
    others.push(`/api/dashboard/campaigns?workspace_id=${w}&range=${range}`);
  }
  return { repeated, others };
}

/** A small deterministic generator, so both sides ask the same sequence of questions. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Sample { ms: number; status: number; cache: string; counted: boolean }

async function runClients(base: string, headers: Record<string, string>, mix: { repeated: string; others: string[] }, clients: number, seconds: number): Promise<{ samples: Sample[]; measuredMs: number }> {
  const samples: Sample[] = [];
  const start = Date.now();
  const measureFrom = start + WARM_UP_MS;
  const end = measureFrom + seconds * 1000;
  const viewer = async (index: number) => {
    const next = generator(1 + index);
    while (Date.now() < end) {
      const path = next() < REPEAT_SHARE ? mix.repeated : (mix.others[Math.floor(next() * mix.others.length)] ?? mix.repeated);
      const began = performance.now();
      const response = await fetch(`${base}${path}`, { headers });
      await response.arrayBuffer();
      const ms = performance.now() - began;
      const at = Date.now();
      samples.push({ ms, status: response.status, cache: response.headers.get('x-dashboard-cache') ?? 'none', counted: at >= measureFrom && at <= end });
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => viewer(i)));
  return { samples, measuredMs: Math.max(1, Math.min(Date.now(), end) - measureFrom) };
}

function sideOf(cache: 'on' | 'off', samples: Sample[], measuredMs: number): LoadSide {
  const counted = samples.filter((s) => s.counted);
  const timing = summarize(counted.map((s) => s.ms));
  const headers: Record<string, number> = {};
  for (const s of counted) headers[s.cache] = (headers[s.cache] ?? 0) + 1;
  const hits = headers.hit ?? 0;
  const cacheable = hits + (headers.miss ?? 0) + (headers.off ?? 0);
  return {
    cache, requests: counted.length, requests_per_second: round(counted.length / (measuredMs / 1000), 1),
    p50_ms: timing.median, p99_ms: timing.p99, hit_rate: cacheable ? round(hits / cacheable, 4) : 0,
    cache_headers: headers, errors: counted.filter((s) => s.status !== 200).length,
  };
}

/**
 * `path` from one client to each server in turn, in runs of ONE_CLIENT_RUN requests (a reader polling
 * one server; a request to the other server between every two would put its work, the uncached side's
 * query above all, inside the cached side's timings), the first run of a pair alternating; medians of each.
 */
export async function oneClient(servers: Array<{ cache: 'on' | 'off'; url: string }>, headers: Record<string, string>, path: string, requests: number): Promise<OneClientSide[]> {
  const samples = servers.map(() => [] as Array<{ ms: number; cache: string }>);
  const ask = async (j: number, counted: boolean) => {
    const began = performance.now();
    const response = await fetch(`${servers[j]?.url}${path}`, { headers });
    await response.arrayBuffer();
    if (counted) samples[j]?.push({ ms: performance.now() - began, cache: response.headers.get('x-dashboard-cache') ?? 'none' });
  };
  for (let j = 0; j < servers.length; j++) for (let i = 0; i < ONE_CLIENT_WARM_UP; i++) await ask(j, false);
  for (let run = 0; run * ONE_CLIENT_RUN < requests; run++) {
    const order = run % 2 === 0 ? servers.map((_, j) => j) : servers.map((_, j) => servers.length - 1 - j);
    const size = Math.min(ONE_CLIENT_RUN, requests - run * ONE_CLIENT_RUN);
    for (const j of order) for (let i = 0; i < size; i++) await ask(j, true);
  }
  return servers.map((server, j) => {
    const mine = samples[j] ?? [];
    const timing = summarize(mine.map((s) => s.ms));
    const counted: Record<string, number> = {};
    for (const s of mine) counted[s.cache] = (counted[s.cache] ?? 0) + 1;
    return { cache: server.cache, requests: mine.length, p50_ms: timing.median, p95_ms: timing.p95, cache_headers: counted };
  });
}

/**
 * The load test at the database's current size: the views refreshed, the busiest workspace picked,
 * then `clients` concurrent viewers for `seconds` against a server with the cache on, then one with it
 * off, then one client against both (oneClient).
 */
export async function measureLoad(options: {
  client: pg.ClientBase; events: number; clients: number; seconds: number; auth: BenchAuth;
  startServer: (env: Record<string, string>) => Promise<NextServer>; log: (line: string) => void;
}): Promise<LoadResult> {
  const { client, clients, seconds, log } = options;
  await client.query('select public.refresh_dashboard_views()');
  const target = await pickTarget(client);
  const { rows } = await client.query<{ campaign_name: string }>(
    `select campaign_name from public.mv_daily_stats where workspace_id = $1 group by 1 order by sum(sends) desc, 1 limit 3`, [target.workspace]);
  const mix = requestMix(target, rows.map((r) => r.campaign_name));
  const headers = await options.auth.headersFor(client, target.workspace);
  const sides: LoadSide[] = [];
  const servers: Array<{ cache: 'on' | 'off'; server: NextServer }> = [];
  try {
    for (const cache of ['on', 'off'] as const) {
      log(`load: ${clients} clients for ${seconds} s (+${WARM_UP_MS / 1000} s warm-up), DASHBOARD_CACHE=${cache} …`);
      const server = await options.startServer({ ...options.auth.env, DASHBOARD_CACHE: cache });
      servers.push({ cache, server });
      const { samples, measuredMs } = await runClients(server.url, headers, mix, clients, seconds);
      sides.push(sideOf(cache, samples, measuredMs));
    }
    log(`load: one client, ${ONE_CLIENT_REQUESTS} requests to each server, in turns of ${ONE_CLIENT_RUN} …`);
    const single = await oneClient(servers.map(({ cache, server }) => ({ cache, url: server.url })), headers, mix.repeated, ONE_CLIENT_REQUESTS);
    return {
      events: options.events, clients, seconds, target, mix: { repeat_share: REPEAT_SHARE, repeated: mix.repeated, others: mix.others.length }, sides,
      one_client: { path: mix.repeated, sides: single },
    };
  } finally {
    for (const { server } of servers) await server.stop();
  }
}

export function loadReport(result: LoadResult): string {
  const lines = [
    `${result.events.toLocaleString('en-US')} events, workspace ${result.target.workspace} (${result.target.time_zone}), ${result.clients} clients, ${result.seconds} s a side`,
    `mix: ${Math.round(result.mix.repeat_share * 100)} % ${result.mix.repeated}, the rest spread over ${result.mix.others} other questions`,
    '',
    'cache   requests/s      p50 ms      p99 ms   hit rate   requests   errors',
  ];
  for (const side of result.sides) {
    lines.push(`${side.cache.padEnd(5)} ${String(side.requests_per_second).padStart(12)} ${String(side.p50_ms).padStart(11)} ${String(side.p99_ms).padStart(11)} `
      + `${`${round(side.hit_rate * 100, 1)} %`.padStart(10)} ${String(side.requests).padStart(10)} ${String(side.errors).padStart(8)}`);
  }
  const [on, off] = result.sides;
  if (on && off && off.requests_per_second > 0) {
    lines.push('', `cache on / off: ${round(on.requests_per_second / off.requests_per_second, 2)}x requests/s, p50 ${on.p50_ms} vs ${off.p50_ms} ms`);
  }
  lines.push('', `one client, the default question, the servers in turns of ${ONE_CLIENT_RUN} requests`, 'cache      p50 ms      p95 ms   requests   answered as');
  for (const side of result.one_client.sides) {
    const found = Object.entries(side.cache_headers).map(([name, n]) => `${name} ${n}`).join(', ');
    lines.push(`${side.cache.padEnd(5)} ${String(side.p50_ms).padStart(11)} ${String(side.p95_ms).padStart(11)} ${String(side.requests).padStart(10)}   ${found}`);
  }
  return lines.join('\n');
}
