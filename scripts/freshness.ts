// npm run freshness: the spec's freshness table (view_name | last_refreshed | age_seconds), and the
// buckets waiting for the next refresh.
import { parseArgs } from 'node:util';
import { freshnessReport } from '../lib/admin/refresh-service';
import { DEFAULT_REFRESH_EVERY_SECONDS, DEFAULT_STALE_AFTER_SECONDS, staleAfterFor } from '../lib/freshness';
import { runCommand, UsageError, withDatabaseStore } from './lib/cli';

const HELP = `Usage: npm run freshness -- [--json] [--fail-if-stale] [--stale-after SECONDS]

Prints the moment each view is current as of, its age, and the (workspace, day) buckets written since
(pending_buckets), on DATABASE_URL or the embedded dev database.
  --json             machine-readable output (the same report as GET /api/admin/refresh-views)
  --fail-if-stale    exit 3 when a view is older than the threshold (for monitors)
  --stale-after S    threshold in seconds (default STALE_AFTER_SECONDS, else twice REFRESH_EVERY_SECONDS
                     and at least 60, else ${DEFAULT_STALE_AFTER_SECONDS})
Exit codes: 0 checked (fresh, or stale without --fail-if-stale), 3 stale, 2 usage error, 1 failure.`;

/** Exit code of --fail-if-stale when a view is stale (2 already means a usage error). */
const EXIT_STALE = 3;

runCommand('freshness', HELP, async () => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        json: { type: 'boolean', default: false },
        'fail-if-stale': { type: 'boolean', default: false },
        'stale-after': { type: 'string', default: process.env.STALE_AFTER_SECONDS || String(staleAfterFor(Number(process.env.REFRESH_EVERY_SECONDS) || DEFAULT_REFRESH_EVERY_SECONDS)) },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const staleAfter = Number(values['stale-after']);
  if (!Number.isInteger(staleAfter) || staleAfter <= 0) throw new UsageError('--stale-after must be a positive whole number of seconds');
  return withDatabaseStore({ requireMigrations: false }, async (store) => {
    const report = await freshnessReport(store, staleAfter);
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const rows = report.views.map((v) => [
        v.view_name,
        v.last_refreshed === null ? 'never' : v.last_refreshed.replace('T', ' ').slice(0, 19),
        v.age_seconds === null ? '-' : String(v.age_seconds),
        String(v.pending_buckets),
      ]);
      const header = ['view_name', 'last_refreshed (UTC)', 'age_seconds', 'pending_buckets'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ');
      console.log(line(header));
      console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
      report.views.forEach((view, i) => console.log(`${line(rows[i] ?? [])}${view.stale ? '  STALE' : ''}`));
      if (report.stale) console.log(`\nA view is stale (older than ${staleAfter} s, or never refreshed): check the cron (npm run refresh refreshes now).`);
    }
    return report.stale && values['fail-if-stale'] ? EXIT_STALE : 0;
  });
});
