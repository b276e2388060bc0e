// npm run refresh: refresh the dashboard's materialized views now and print each view's duration.
import { refreshViews } from '../lib/admin/views';
import { runCommand, withDatabaseStore } from './lib/cli';

const HELP = `Usage: npm run refresh

Runs refresh_dashboard_views() on DATABASE_URL, or on the embedded dev database under .data/.
Exit codes: 0 refreshed, 3 skipped because another refresh is running, 1 failed.`;

runCommand('refresh', HELP, async () => {
  if (process.argv.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  return withDatabaseStore({ migrate: true }, async (store, database) => {
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
  });
});
