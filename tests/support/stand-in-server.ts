// `next start` reading a stand-in PostgREST (tests/support/stand-in-postgrest.ts) over HTTP, in the
// open mode: the Supabase store at the edge we cannot run here, everything else real.
import { startNextServer, type NextServer } from '../../scripts/lib/next-server';
import type { StandInPostgrest } from './stand-in-postgrest';

export const STAND_IN_SERVICE_ROLE_KEY = 'stand-in-service-role-key-0123456789';

/** The stand-in served over HTTP and a production server reading it; `stop` ends both. */
export async function nextStartOnStandIn(postgrest: StandInPostgrest): Promise<{ server: NextServer; stop: () => Promise<void> }> {
  const served = await postgrest.serve();
  try {
    const server = await startNextServer({
      DATABASE_URL: '', SUPABASE_URL: served.url, SUPABASE_SERVICE_ROLE_KEY: STAND_IN_SERVICE_ROLE_KEY, DASHBOARD_AUTH: 'off',
    });
    return { server, stop: async () => { await server.stop(); await served.close(); } };
  } catch (error) {
    await served.close();
    throw error;
  }
}
