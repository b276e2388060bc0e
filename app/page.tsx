// The dashboard page. The server renders the first view with its numbers already in it (through
// the same store as the API), then hands it to SWR in the browser as fallback data.
import { DashboardView, type DashboardInitial } from '@/components/DashboardView';
import { getDashboard, listWorkspaces } from '@/lib/dashboard/aggregate';
import { resolveFilters } from '@/lib/dashboard/filters';
import { previousPeriod } from '@/lib/dashboard/query';
import { getStore } from '@/lib/db';
import { env } from '@/lib/env';
import { ErrorBanner } from '@/components/ErrorBanner';
import { StoreUnavailableError } from '@/lib/db/store';
import { logEvent } from '@/lib/http/respond';

export const dynamic = 'force-dynamic';

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const store = getStore();
  let initial: DashboardInitial;
  try {
    const workspaces = await listWorkspaces(store);
    const { query, notices } = resolveFilters(params, workspaces.workspaces, new Date(), env().DASHBOARD_SOURCE);
    initial = { query, notices, workspaces, renderedAt: Date.now() };
    if (query) {
      const [current, previous] = await Promise.all([
        getDashboard(store, query),
        getDashboard(store, { ...query, ...previousPeriod(query) }),
      ]);
      if (current.kind === 'data') initial.current = current.body;
      if (previous.kind === 'data') initial.previous = previous.body;
    }
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
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
