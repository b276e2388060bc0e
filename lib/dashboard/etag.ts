// Entity tags of the dashboard's answers, so a browser polling an unchanged answer gets a 304.
// Aggregates and campaign tables: the data version (lib/dashboard/read.ts) and a hash of the
// endpoint and query. Workspace lists: a hash of the content.
import { createHash } from 'node:crypto';
import type { AnswerQuery } from './query';

const hash = (value: unknown, length: number) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, length);

/** Which answer a query asks for: the aggregate's (the default) or the campaign table's. */
export type AnswerKind = 'aggregate' | 'campaigns';

function queryKey(query: AnswerQuery, kind: AnswerKind): string {
  const key: unknown[] = [query.workspace_id, query.from, query.to, query.campaign, query.source];
  // Later parameters join the key only when they change the answer, so the tags of plain daily
  // answers stay what they were.
  if ((query.interval ?? 'day') !== 'day' || query.compare) key.push(query.interval ?? 'day', query.compare ?? null);
  if (kind !== 'aggregate') key.unshift(kind);
  return hash(key, 22);
}

export function versionEtag(query: AnswerQuery, version: number, kind: AnswerKind = 'aggregate'): string {
  return `"mv-${version}-${queryKey(query, kind)}"`;
}

/** The data version inside an If-None-Match that was issued for this very query, if any. */
export function versionFromEtag(header: string | null | undefined, query: AnswerQuery, kind: AnswerKind = 'aggregate'): number | null {
  if (!header) return null;
  const key = queryKey(query, kind);
  for (const tag of header.split(',')) {
    const match = /^\s*(?:W\/)?"mv-(\d{1,16})-([A-Za-z0-9_-]+)"\s*$/.exec(tag);
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
