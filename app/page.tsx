// The dashboard page. The server renders the first view with its numbers already in it (through
// the same store as the API), then hands it to SWR in the browser as fallback data.
import { headers } from 'next/headers';
import { DashboardView, type DashboardInitial } from '@/components/DashboardView';
import { ErrorBanner } from '@/components/ErrorBanner';
import { getDashboard, listWorkspaces } from '@/lib/dashboard/aggregate';
import { previousPeriod } from '@/lib/dashboard/days';
import { resolveFilters } from '@/lib/dashboard/filters';
import { pickLocale } from '@/lib/dashboard/locale';
import { getStore } from '@/lib/db';
import { isStoreUnavailableError } from '@/lib/db/store';
import { env } from '@/lib/env';
import { logEvent } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const [params, requestHeaders] = await Promise.all([searchParams, headers()]);
  const locale = pickLocale(requestHeaders.get('accept-language'));
  const store = getStore();
  let initial: DashboardInitial;
  try {
    const workspaces = await listWorkspaces(store);
    const { DASHBOARD_SOURCE, STALE_AFTER_SECONDS } = env();
    const { query, notices } = resolveFilters(params, workspaces.workspaces, new Date(), DASHBOARD_SOURCE);
    initial = { query, notices, workspaces, renderedAt: Date.now(), locale, staleAfterSeconds: STALE_AFTER_SECONDS };
    if (query) {
      const [current, previous] = await Promise.all([
        getDashboard(store, query),
        getDashboard(store, { ...query, ...previousPeriod(query) }),
      ]);
      if (current.kind === 'data') initial.current = current.body;
      if (previous.kind === 'data') initial.previous = previous.body;
    }
  } catch (error) {
    if (!isStoreUnavailableError(error)) throw error;
    logEvent('error', 'database_unavailable', { route: 'GET /', ...error.detail });
    return (
      <main className="page">
        <h1>Campaign analytics</h1>
        <ErrorBanner message={error.message} />
      </main>
    );
  }
  return <DashboardView initial={initial} />;
}
