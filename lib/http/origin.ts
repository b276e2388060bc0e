// The same-origin check of every state-changing route that accepts the session cookie: a request
// another site makes the browser send (a form or fetch from evil.example, or from a sibling
// subdomain, which SameSite=Lax cookies do not stop) is refused before anything happens.
import { env as currentEnv, isDevelopmentServer, isLoopbackHost, siteOrigin, type Env } from '../env';
import { logEvent } from '../log';
import { HttpError } from './errors';

/** The loopback names of one port: `npm run dev` serves http://localhost:3000 and http://127.0.0.1:3000 alike. */
function sameLoopbackSite(origin: URL, site: URL): boolean {
  return isLoopbackHost(site.hostname) && isLoopbackHost(origin.hostname) && origin.protocol === site.protocol && origin.port === site.port;
}

function isSiteOrigin(value: string, site: string): boolean {
  if (value === site) return true;
  if (!isDevelopmentServer() || !URL.canParse(value)) return false;
  return sameLoopbackSite(new URL(value), new URL(site));
}

/** Why a request counts as cross-site, or null when it may go on. */
export function crossSiteReason(request: Request, env: Pick<Env, 'SITE_URL' | 'NEXT_PUBLIC_SITE_URL'>): string | null {
  // Credentials a browser never attaches by itself (a Bearer token, the operator's refresh token)
  // cannot be forged by another site: such callers are not judged by where they come from.
  if (request.headers.has('authorization') || request.headers.has('x-refresh-token')) return null;
  const site = siteOrigin(env);
  const fetchSite = request.headers.get('sec-fetch-site');
  // "none": the user typed or bookmarked it; "same-origin": our own page. "same-site" is a sibling subdomain.
  if (fetchSite !== null && fetchSite !== 'same-origin' && fetchSite !== 'none') return `Sec-Fetch-Site: ${fetchSite}`;
  const origin = request.headers.get('origin');
  if (origin !== null && !isSiteOrigin(origin, site)) return 'Origin is another site';
  // Neither header: not a browser (every current browser sends Origin on a POST), so no ambient cookie to abuse.
  return null;
}

/** Throws 403 for a cross-site request (the one helper every cookie-authenticated POST route calls first). */
export function refuseCrossSite(request: Request, env: Env = currentEnv()): void {
  const reason = crossSiteReason(request, env);
  if (reason === null) return;
  // The Origin helps an operator spot a SITE_URL that does not match the address people use.
  logEvent('warn', 'cross_site_request_refused', { path: new URL(request.url).pathname, reason, origin: request.headers.get('origin')?.slice(0, 200) ?? null });
  throw new HttpError(403, 'Cross-site request refused: this action can only be taken from the dashboard itself.', {}, { 'Cache-Control': 'no-store' });
}
