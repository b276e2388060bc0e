// npm run refresh: refresh the dashboard's materialized views now and print each view's duration.
import { parseArgs } from 'node:util';
import { refreshViews } from '../lib/admin/views';
import { runCommand, UsageError, withDatabaseStore } from './lib/cli';

const HELP = `Usage: npm run refresh

Runs refresh_dashboard_views() on DATABASE_URL, or on the embedded dev database under .data/, and
prints how long each view took. It applies no migrations: a database without them is refused with
a message to run \`npm run migrate\`.
Exit codes: 0 refreshed, 3 skipped because another refresh is running, 2 usage error, 1 failed.`;

/** Another refresh holds the lock: nothing failed, but nothing was refreshed either. */
const EXIT_SKIPPED = 3;

runCommand('refresh', HELP, async () => {
  let help: boolean | undefined;
  try {
    ({ values: { help } } = parseArgs({ options: { help: { type: 'boolean', default: false } } }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (help) {
    console.log(HELP);
    return 0;
  }
  return withDatabaseStore({ requireMigrations: true }, async (store, database) => {
    console.error(`Refreshing views on ${database.description} …`);
    const result = await refreshViews(store);
    if (result.status === 'skipped') {
      console.log(`Skipped: ${result.reason}.`);
      return EXIT_SKIPPED;
    }
    const width = Math.max('total'.length, ...result.views.map((v) => v.view_name.length));
    for (const view of result.views) console.log(`${view.view_name.padEnd(width)}  ${view.duration_ms.toFixed(1).padStart(9)} ms`);
    console.log(`${'total'.padEnd(width)}  ${result.duration_ms.toFixed(1).padStart(9)} ms`);
    return 0;
  });
});
