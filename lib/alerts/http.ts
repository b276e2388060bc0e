// The alerts routes' parsing: the workspace (the only query parameter), a JSON body against its
// schema (400 naming the field), a rule or channel id; and the one check every state-changing alerts
// route runs first.
import { z } from 'zod';
import { parseRefreshTarget } from '../admin/member-refresh';
import { badRequest, HttpError } from '../http/errors';
import { logEvent } from '../log';

export const parseWorkspace = parseRefreshTarget;

export async function parseBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const json: unknown = await request.json().catch(() => undefined);
  if (json === undefined) throw badRequest([{ parameter: 'body', message: 'the body must be JSON' }]);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((issue) => ({ parameter: issue.path.length ? String(issue.path[0]) : 'body', message: issue.message })));
  }
  return parsed.data;
}

export async function parseId(params: Promise<{ id: string }>): Promise<string> {
  const { id } = await params;
  if (!z.uuid().safeParse(id).success) throw new HttpError(404, 'No such rule or channel in this workspace.');
  return id;
}

/**
 * Every state-changing alerts route calls this first: these routes take the session cookie, so a
 * request another site makes the browser send must be refused. The shared same-origin check
 * (lib/http/origin.ts, refuseCrossSite: Origin and Sec-Fetch-Site against SITE_URL) is being added on
 * another branch; when it lands, this body becomes that one call. Until then: Sec-Fetch-Site, which
 * browsers set and pages cannot, refuses cross-site and sibling-subdomain requests.
 */
export function refuseCrossSiteWrite(request: Request): void {
  if (request.headers.has('authorization')) return;
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite === null || fetchSite === 'same-origin' || fetchSite === 'none') return;
  logEvent('warn', 'cross_site_request_refused', { path: new URL(request.url).pathname, reason: `Sec-Fetch-Site: ${fetchSite}` });
  throw new HttpError(403, 'Cross-site request refused: this action can only be taken from the dashboard itself.', {}, { 'Cache-Control': 'no-store' });
}
