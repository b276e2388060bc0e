// npm run freshness: the spec's freshness table (view_name | last_refreshed | age_seconds).
import { parseArgs } from 'node:util';
import { freshnessReport } from '../lib/admin/refresh-service';
import { runCommand, UsageError, withDatabaseStore } from './lib/cli';

const HELP = `Usage: npm run freshness -- [--json] [--fail-if-stale] [--stale-after SECONDS]

Prints when each materialized view was last refreshed, on DATABASE_URL or the embedded dev database.
  --json             machine-readable output
  --fail-if-stale    exit 2 when a view is older than the threshold (for monitors)
  --stale-after S    threshold in seconds (default STALE_AFTER_SECONDS or 600)`;

runCommand('freshness', HELP, async () => {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      'fail-if-stale': { type: 'boolean', default: false },
      'stale-after': { type: 'string', default: process.env.STALE_AFTER_SECONDS ?? '600' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const staleAfter = Number(values['stale-after']);
  if (!Number.isInteger(staleAfter) || staleAfter <= 0) throw new UsageError('--stale-after must be a positive whole number of seconds');
  return withDatabaseStore({ migrate: false }, async (store) => {
    const report = await freshnessReport(store, staleAfter);
    if (values.json) {
      console.log(JSON.stringify(report, null, 2));
    } else {
      const rows = report.freshness.map((v) => [v.view_name, v.last_refreshed.replace('T', ' ').slice(0, 19), String(v.age_seconds)]);
      const header = ['view_name', 'last_refreshed (UTC)', 'age_seconds'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
      const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join(' | ');
      console.log(line(header));
      console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
      report.freshness.forEach((view, i) => console.log(`${line(rows[i] ?? [])}${view.stale ? '  STALE' : ''}`));
      if (report.stale) console.log(`\nA view is older than ${staleAfter} s: check the cron (npm run refresh refreshes now).`);
    }
    return report.stale && values['fail-if-stale'] ? 2 : 0;
  });
});
