// npm run members: who may read which workspace (add, remove, list).
import { parseArgs } from 'node:util';
import { runCommand, UsageError } from './lib/cli';
import { resolveDatabase, withClient } from './lib/database';
import { assertMigrated } from './lib/migrate';
import { addMember, listMembers, MemberError, removeMember, type Role } from './lib/members';

const HELP = `Usage:
  npm run members -- add <email-or-user-id> <workspace> [--role viewer|admin] [--unconfirmed]
  npm run members -- remove <email-or-user-id> <workspace>
  npm run members -- list [workspace]

Grants a Supabase Auth user access to a workspace's dashboard (a row in workspace_members).
viewer (the default) reads the dashboard; admin also may use source=raw and "Refresh now".
On Supabase, name the user by email (they must exist in Authentication → Users) or id; on a plain
Postgres, which has no auth.users, by user id (the sub claim of their access tokens).
A user whose email is not confirmed yet is refused (anyone can sign up with another's address);
--unconfirmed adds them anyway, when you know the account is theirs.
Uses DATABASE_URL, or the embedded dev database under .data/ (migrations applied first).
Exit codes: 0 done, 2 usage error, 1 failed (e.g. no such user).`;

runCommand('members', HELP, async () => {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { role: { type: 'string', default: 'viewer' }, unconfirmed: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [command, ...rest] = positionals;
  const role = values.role as Role;
  if (role !== 'viewer' && role !== 'admin') throw new UsageError(`--role must be viewer or admin (got "${values.role}")`);
  if (command === 'add' || command === 'remove') {
    if (rest.length !== 2) throw new UsageError(`${command} takes <email-or-user-id> <workspace>`);
  } else if (command === 'list') {
    if (rest.length > 1) throw new UsageError('list takes at most one workspace');
  } else {
    throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
  const [who = '', workspace = ''] = rest;
  const database = await resolveDatabase();
  try {
    await assertMigrated(database.url, database.description);
    return await withClient(database, async (client) => {
      if (command === 'add') {
        const user = await addMember(client, who, workspace, role, { unconfirmed: values.unconfirmed });
        console.log(`${user.created ? 'Added' : 'Updated'} ${user.email ?? user.id} (${user.id}) as ${role} of ${workspace}.`);
      } else if (command === 'remove') {
        const removed = await removeMember(client, who, workspace);
        console.log(removed ? `Removed ${who} from ${workspace}.` : `${who} was not a member of ${workspace}.`);
      } else {
        const rows = await listMembers(client, rest[0]);
        if (rows.length === 0) console.log('No members.');
        for (const row of rows) console.log([row.workspace_id, row.role.padEnd(6), row.user_id, row.email ?? '', row.created_at].join('  '));
      }
      return 0;
    });
  } catch (error) {
    if (error instanceof MemberError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await database.release();
  }
});
