// npm run refresh: refresh the dashboard's materialized views now and print each view's duration.
import { refreshViews } from '../lib/admin/views';
import { createPostgresStore } from '../lib/db/postgres';
import { resolveDatabase } from './lib/database';

const HELP = `Usage: npm run refresh

Runs refresh_dashboard_views() on DATABASE_URL, or on the embedded dev database under .data/.
Exit codes: 0 refreshed, 3 skipped because another refresh is running, 1 failed.`;

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  const database = await resolveDatabase({ migrate: true });
  const store = createPostgresStore({ connectionString: database.url, max: 1 });
  try {
    console.error(`Refreshing views on ${database.description} …`);
    const result = await refreshViews(store);
    if (result.status === 'skipped') {
      console.log(`Skipped: ${result.reason}.`);
      return 3;
    }
    const width = Math.max(...result.views.map((v) => v.view_name.length));
    for (const view of result.views) console.log(`${view.view_name.padEnd(width)}  ${view.duration_ms.toFixed(1).padStart(9)} ms`);
    console.log(`${'total'.padEnd(width)}  ${result.duration_ms.toFixed(1).padStart(9)} ms`);
    return 0;
  } finally {
    await store.close();
    await database.release();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
