// npm run migrate: applies supabase/migrations to DATABASE_URL (or the embedded dev database) with
// the Supabase CLI. The one command that migrates a database you named; a database elsewhere than
// this machine needs --yes.
import { parseArgs } from 'node:util';
import { runCommand, UsageError } from './lib/cli';
import { resolveDatabase } from './lib/database';
import { applyMigrations, migrationFiles } from './lib/migrate';
import { refuseRemoteWrite } from './lib/target-guard';

const HELP = `Usage: npm run migrate -- [--yes]

Applies the migrations in supabase/migrations that DATABASE_URL (or, without it, the embedded dev
database under .data/) has not applied yet, with the Supabase CLI (supabase migration up); applied
versions are recorded in supabase_migrations.schema_migrations. Other commands never migrate a
DATABASE_URL database: they ask for this one. For a Supabase project, npx supabase db push does the same.

Options:
  --yes    allow a DATABASE_URL that is not on this machine (refused otherwise)
  --help   show this help
Exit codes: 0 applied (or already up to date), 2 usage error or refused, 1 failed.`;

runCommand('migrate', HELP, async () => {
  let values;
  try {
    ({ values } = parseArgs({ options: { yes: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const database = await resolveDatabase({ migrateEmbedded: false });
  try {
    refuseRemoteWrite(database.url, { yes: values.yes, action: 'migrate' });
    console.error(`Applying ${migrationFiles().length} migration file(s) where missing to ${database.description} …`);
    const output = await applyMigrations(database.url);
    console.log(output.trim());
    return 0;
  } finally {
    await database.release();
  }
});
