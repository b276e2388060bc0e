// npm run workspaces: a workspace's settings from the command line (its time zone).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { workspaceTimeZoneSchema } from '../lib/dashboard/response';
import { runCommand, UsageError, withDatabaseStore } from './lib/cli';

const HELP = `Usage:
  npm run workspaces -- time-zone <workspace>           prints the workspace's time zone
  npm run workspaces -- time-zone <workspace> <zone>    sets it (an IANA name: America/New_York, Asia/Kolkata)

Every day of a workspace's dashboard starts at midnight in its time zone (UTC until one is set). A
new zone takes effect at once for live answers; the next refresh rebuilds that workspace's views in
it (npm run refresh to do it now). Abbreviations (EDT, CEST) and POSIX strings (UTC+5) are refused:
the names are those of PostgreSQL's pg_timezone_names.
Uses DATABASE_URL, or the embedded dev database under .data/.
Exit codes: 0 done, 2 usage error or unknown zone (nothing changed), 1 failed.`;

runCommand('workspaces', HELP, async () => {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { help: { type: 'boolean', default: false } } });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [command, workspace, zone, ...extra] = positionals;
  if (command !== 'time-zone') throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  if (!workspace || extra.length > 0) throw new UsageError('time-zone takes <workspace> [<zone>]');
  return withDatabaseStore({ requireMigrations: true }, async (store) => {
    if (zone === undefined) {
      print(workspaceTimeZoneSchema.parse(await store.callValue('dashboard_workspace_time_zone', { p_workspace_id: workspace })));
      return 0;
    }
    const value = await store.callValue('dashboard_set_time_zone', { p_workspace_id: workspace, p_time_zone: zone });
    if (z.object({ error: z.literal('unknown_time_zone') }).safeParse(value).success) {
      throw new UsageError(`unknown time zone "${zone}": use an IANA name such as America/New_York or Asia/Kolkata (nothing was changed)`);
    }
    const result = workspaceTimeZoneSchema.parse(value);
    print(result);
    if (result.rebuild_pending) console.log('The next refresh rebuilds its views in this zone (npm run refresh to do it now).');
    return 0;
  });
});

function print(zone: z.infer<typeof workspaceTimeZoneSchema>): void {
  console.log(`${zone.workspace_id}: ${zone.time_zone}${zone.rebuild_pending ? ` (its views are still cut in ${zone.views_time_zone} until the next refresh)` : ''}`);
}
