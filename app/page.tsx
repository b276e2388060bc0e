// The dashboard page. The server renders the first view with its numbers already in it (through
// the same store as the API), then hands it to SWR in the browser as fallback data. Signed out:
// /login (under `npm run dev`, the demo user's dev sign-in); signed in: that user's workspaces.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { AccountBar } from '@/components/AccountBar';
import { Dashboard, type DashboardInitial } from './Dashboard';
import { ErrorBanner } from '@/components/ErrorBanner';
import { authenticate } from '@/lib/auth/access';
import { pageCredentials } from '@/lib/auth/next';
import { devSignInEnabled } from '@/lib/auth/session';
import { readAlerts } from '@/lib/alerts/manage';
import { listWorkspaces, serveCampaigns, serveDashboard } from '@/lib/dashboard/answer-cache';
import { campaignsQuery, resolveFilters } from '@/lib/dashboard/filters';
import { pickLocale } from '@/lib/dashboard/locale';
import { getStore } from '@/lib/db';
import { env } from '@/lib/env';
import { pageFailure } from '@/lib/http/page-failure';
import { logEvent } from '@/lib/log';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, requestHeaders, credentials] = await Promise.all([searchParams, headers(), pageCredentials()]);
  const verdict = await authenticate(credentials);
  if (verdict.kind === 'anonymous' || verdict.kind === 'invalid') redirect(devSignInEnabled(env()) ? '/auth/dev-sign-in' : '/login');
  if (verdict.kind === 'mfa-required') redirect('/login?message=mfa-required');
  if (verdict.kind === 'unavailable') {
    return (
      <main className="page">
        <h1>Campaign analytics</h1>
        <ErrorBanner message={verdict.message} />
      </main>
    );
  }
  const reader = verdict;
  const account = <AccountBar email={reader.kind === 'user' ? reader.email : null} open={reader.kind === 'open'} />;
  const locale = pickLocale(requestHeaders.get('accept-language'));
  let initial: DashboardInitial;
  try {
    const store = getStore();
    const workspaces = (await listWorkspaces(reader)).body;
    const { DASHBOARD_SOURCE, STALE_AFTER_SECONDS, REFRESH_EVERY_SECONDS } = env();
    const { query, notices } = resolveFilters(params, workspaces.workspaces, new Date(), DASHBOARD_SOURCE);
    initial = { query, notices, workspaces, renderedAt: Date.now(), locale, staleAfterSeconds: STALE_AFTER_SECONDS, refreshEverySeconds: REFRESH_EVERY_SECONDS };
    if (query) {
      const [current, campaigns, alerts] = await Promise.all([
        serveDashboard(reader, query),
        serveCampaigns(reader, campaignsQuery(query)),
        // The numbers never wait on the alerts: if they cannot be read now, the page's panel asks again.
        readAlerts(store, reader, query.workspace_id).catch((error: unknown) => {
          logEvent('warn', 'alerts_read_failed', { route: 'GET /', cause: error instanceof Error ? error.message : String(error) });
          return undefined;
        }),
      ]);
      if (current.kind === 'data') initial.current = current.body;
      if (campaigns.kind === 'data') initial.campaigns = campaigns.body;
      initial.alerts = alerts;
    }
  } catch (error) {
    // The API's classes: the database unreachable or out of step with the app is explained here (the
    // proxy answers 503 itself once the schema check knows), a workspace the reader may not see is a
    // 404, and anything else goes to app/error.tsx.
    const message = await pageFailure(error, 'GET /');
    return (
      <>
        {account}
        <main className="page">
          <h1>Campaign analytics</h1>
          <ErrorBanner message={message} />
        </main>
      </>
    );
  }
  return (
    <>
      {account}
      <Dashboard initial={{ ...initial, signedIn: reader.kind === 'user' }} />
    </>
  );
}
