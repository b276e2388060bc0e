// Entity tags of the dashboard's answers, so a browser polling an unchanged answer gets a 304.
// Aggregates: the data version (lib/dashboard/read.ts) and a hash of the query. Workspace lists: a
// hash of the content.
import { createHash } from 'node:crypto';
import type { DashboardQuery } from './query';

const hash = (value: unknown, length: number) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, length);

function queryKey(query: DashboardQuery): string {
  return hash([query.workspace_id, query.from, query.to, query.campaign, query.source], 22);
}

export function versionEtag(query: DashboardQuery, version: number): string {
  return `"mv-${version}-${queryKey(query)}"`;
}

/** The data version inside an If-None-Match that was issued for this very query, if any. */
export function versionFromEtag(header: string | null | undefined, query: DashboardQuery): number | null {
  if (!header) return null;
  const key = queryKey(query);
  for (const tag of header.split(',')) {
    const match = /^\s*(?:W\/)?"mv-(\d{1,15})-([A-Za-z0-9_-]+)"\s*$/.exec(tag);
    if (match && match[2] === key) return Number(match[1]);
  }
  return null;
}

export function contentEtag(prefix: string, body: unknown): string {
  return `"${prefix}-${hash(body, 27)}"`;
}

/** Whether an If-None-Match header names this tag (weak or strong). */
export function etagMatches(header: string | null | undefined, etag: string): boolean {
  return (header ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
