// npm run refresh [-- --full]: bring the dashboard's views up to date now and print what each did.
import { parseArgs } from 'node:util';
import { refreshViews, type RefreshResult } from '../lib/admin/views';
import { deliveryOptions } from '../lib/alerts/evaluate';
import { alertsTick, describeTick } from '../lib/alerts/tick';
import { parseEnv } from '../lib/env';
import { runCommand, UsageError, withDatabaseStore } from './lib/cli';

const HELP = `Usage: npm run refresh [-- --full]

Runs refresh_dashboard_views() on DATABASE_URL, or on the embedded dev database under .data/
(it applies no migrations: a database without them is refused with a message to run
\`npm run migrate\`): recomputes the (workspace, day) buckets written since the
last refresh and prints, per view, the buckets recomputed, the rows changed and the time taken.
Then, as the cron does, evaluates the alert rules and delivers their notifications (after a refresh
that failed or was skipped: the operators' stale_views only).

Options:
  --full   rebuild every view from the raw tables (repair; takes as long as the data is large)
  --help   show this help

Exit codes: 0 refreshed, 3 skipped because another refresh is running, 2 usage error, 1 failed.`;

/** Another refresh holds the lock: nothing failed, but nothing was refreshed either. */
const EXIT_SKIPPED = 3;

runCommand('refresh', HELP, async () => {
  let values: { help?: boolean; full?: boolean };
  try {
    ({ values } = parseArgs({ options: { help: { type: 'boolean', default: false }, full: { type: 'boolean', default: false } } }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  return withDatabaseStore({ requireMigrations: true }, async (store, database) => {
    console.error(`${values.full ? 'Rebuilding' : 'Refreshing'} views on ${database.description} …`);
    const alerts = async (refreshed: boolean) =>
      console.log(describeTick(await alertsTick(store, refreshed, deliveryOptions(parseEnv({ ...process.env, DATABASE_URL: database.url })))));
    let result: RefreshResult;
    try {
      result = await refreshViews(store, { full: values.full });
    } catch (error) {
      await alerts(false);
      throw error;
    }
    if (result.status === 'skipped') {
      console.log(`Skipped: ${result.reason}.`);
      await alerts(false);
      return EXIT_SKIPPED;
    }
    const rows = [
      ...result.views.map((v) => [v.view_name, String(v.buckets), String(v.rows_changed), v.duration_ms.toFixed(1)]),
      ['total', String(result.buckets), String(result.rows_changed), result.duration_ms.toFixed(1)],
    ];
    const header = ['view', 'buckets', 'rows changed', 'ms'];
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    console.log(`(reading the changes and their raw rows: ${result.capture_ms.toFixed(1)} ms; current as of ${result.current_as_of})`);
    await alerts(true);
    return 0;
  });
});
