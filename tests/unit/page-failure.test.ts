// A failed server render of the page maps to the API's classes: the message to show for a database
// unreachable or out of step (and a misconfigured server), the framework's 404 for a workspace the
// reader may not see, and a rethrow for a bug (app/error.tsx; instrumentation.ts logs the digest).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { setStoreForTests } from '../../lib/db';
import { StoreUnavailableError } from '../../lib/db/store';
import { APP_SCHEMA_VERSION } from '../../lib/db/schema-version';
import { createSupabaseStore } from '../../lib/db/supabase';
import { EnvError } from '../../lib/env';
import { workspaceNotFound } from '../../lib/dashboard/read';
import { pageFailure } from '../../lib/http/page-failure';
import { BEFORE_BUCKETS, IN_STEP, standInPostgrest } from '../support/stand-in-postgrest';

let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'log').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  setStoreForTests(undefined);
});

const events = () => errors.mock.calls.map((call: unknown[]) => (JSON.parse(String(call[0])) as { event: string }).event);
const oldShape = () => z.object({ workspaces: z.array(z.unknown()) }).safeParse([{ workspace_id: 'acme' }]).error;

function onStandIn(answers: Parameters<typeof standInPostgrest>[0]) {
  setStoreForTests(createSupabaseStore({ url: 'https://project-ref.supabase.co', serviceRoleKey: 'service-role-key-for-tests-0123456789', fetch: standInPostgrest(answers).fetch }));
}

describe('pageFailure', () => {
  it('a database down: the message, logged as database_unavailable', async () => {
    const down = new StoreUnavailableError('The database is unavailable.', { function: 'dashboard_workspaces', cause: 'ECONNREFUSED' });
    await expect(pageFailure(down, 'GET /')).resolves.toBe('The database is unavailable.');
    expect(events()).toEqual(['database_unavailable']);
  });

  it('an answer of an old shape from a database behind the app: the missing migration and the command', async () => {
    onStandIn(BEFORE_BUCKETS);
    await expect(pageFailure(oldShape(), 'GET /')).resolves.toBe(
      `The database is behind this app: migration ${APP_SCHEMA_VERSION} is missing (it has none of this app's migrations, or predates dashboard_schema_version(); a Supabase project made by the Deploy button starts empty). Apply the migrations with \`npx supabase link --project-ref <your project ref>\` then \`npx supabase db push\`, then retry.`);
    expect(events()).toContain('schema_out_of_step');
  });

  it('the same old shape from a database in step: the unexpected-format message', async () => {
    onStandIn({ dashboard_schema_version: IN_STEP });
    await expect(pageFailure(oldShape(), 'GET /')).resolves.toBe('The database answered in an unexpected format.');
  });

  it('a misconfigured server: the variables, not their values', async () => {
    await expect(pageFailure(new EnvError(['CRON_SECRET'], 'Invalid environment'), 'GET /login')).resolves.toBe('The server is misconfigured: check CRON_SECRET.');
  });

  it('a workspace the reader may not see: the framework\'s 404', async () => {
    await expect(pageFailure(workspaceNotFound(), 'GET /')).rejects.toMatchObject({ digest: 'NEXT_HTTP_ERROR_FALLBACK;404' });
  });

  it('a bug: rethrown as it was (the error page shows its digest; instrumentation logs it once)', async () => {
    const bug = new TypeError('Cannot read properties of undefined');
    await expect(pageFailure(bug, 'GET /')).rejects.toBe(bug);
    expect(events()).toEqual([]);
  });
});
