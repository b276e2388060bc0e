// Entity tags of the dashboard's answers, so a browser polling an unchanged answer gets a 304.
// Aggregates and campaign tables: a hash of the endpoint, the query and the answer's context (the
// workspace's data version, the zone its days are cut in, and today there when the answer depends on
// it). Workspace lists: a hash of the content. Tags are opaque: nothing in them is global.
import { createHash } from 'node:crypto';
import { addDays } from './days';
import type { AnswerQuery } from './query';

const hash = (value: unknown, length: number) => createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, length);

/** Which answer a query asks for: the aggregate's (the default) or the campaign table's. */
export type AnswerKind = 'aggregate' | 'campaigns';

/** What an answer is computed from, besides its query (lib/dashboard/read.ts reads it first). */
export interface AnswerBasis {
  data_version: number;
  time_zone: string;
  /** Today in that zone. */
  today: string;
}

/**
 * The tag of one answer. A range reaching yesterday or later also depends on today (partial_day, the
 * like-for-like comparison): today is folded in, so a kept answer stops matching at the workspace's
 * midnight even when no data changed.
 */
export function answerEtag(query: AnswerQuery, basis: AnswerBasis, kind: AnswerKind = 'aggregate'): string {
  const key = [kind, query.workspace_id, query.from, query.to, query.campaign, query.source, query.interval ?? 'day', query.compare ?? null,
    basis.data_version, basis.time_zone, todayOfAnswer(query, basis)];
  return `"a-${hash(key, 27)}"`;
}

/**
 * Today in the answer's zone when the answer depends on it (its range reaches yesterday or later:
 * partial_day, the like-for-like comparison), else null: part of every key an answer is found by.
 */
export function todayOfAnswer(query: Pick<AnswerQuery, 'to'>, basis: Pick<AnswerBasis, 'today'>): string | null {
  return query.to >= addDays(basis.today, -1) ? basis.today : null;
}

export function contentEtag(prefix: string, body: unknown): string {
  return `"${prefix}-${hash(body, 27)}"`;
}

/** Whether an If-None-Match header names this tag (weak or strong). */
export function etagMatches(header: string | null | undefined, etag: string): boolean {
  return (header ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
