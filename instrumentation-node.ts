// Start-up checks of the Node.js server (see instrumentation.ts): the environment (a wrong one stops
// the server), then the database's schema version against the app's, logged as one line before the
// first request (a database behind the app names the missing migration and the command). A database
// that cannot answer is logged and never stops the server: it is asked again when a read fails.
import { isEnvError, parseEnv } from './lib/env';
import { logEvent } from './lib/log';

const SCHEMA_CHECK_TIMEOUT_MS = 8_000;

export async function startupChecks(): Promise<void> {
  checkEnvironment();
  await checkSchemaAtStart();
}

function checkEnvironment(): void {
  try {
    const env = parseEnv();
    if (env.DASHBOARD_AUTH === 'off') {
      logEvent('warn', 'dashboard_auth_off', {
        message: 'DASHBOARD_AUTH=off: the dashboard is open to anyone who can reach this server (every workspace). Use it on a private network only.',
      });
    } else if (env.SUPABASE_URL && !env.SUPABASE_ANON_KEY) {
      logEvent('warn', 'sign_in_page_disabled', {
        message: 'SUPABASE_ANON_KEY is not set: the /login page cannot sign anyone in; API calls with a Bearer token still work.',
      });
    }
    if (env.DASHBOARD_AUTH === 'on' && env.NODE_ENV === 'production' && !env.VERCEL && env.CLIENT_IP_HEADER === 'x-forwarded-for') {
      logEvent('info', 'sign_in_client_ip', {
        message: 'Sign-in throttling reads the client IP from X-Forwarded-For. Outside Vercel that is only trustworthy behind a proxy that overwrites it; otherwise set CLIENT_IP_HEADER to the header your proxy sets (see docs/access.md).',
      });
    }
  } catch (error) {
    if (isEnvError(error)) {
      console.error(`\n${error.message}\nSee .env.example and docs/deploy.md.\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function checkSchemaAtStart(): Promise<void> {
  try {
    const [{ getStore }, { checkSchema }] = await Promise.all([import('./lib/db'), import('./lib/db/schema-check')]);
    getStore();
    // checkSchema logs the verdict (schema_in_step, schema_ahead_compatible, schema_out_of_step) or
    // the failure to ask (schema_check_failed).
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, SCHEMA_CHECK_TIMEOUT_MS, 'timeout').unref());
    if ((await Promise.race([checkSchema(), timeout])) === 'timeout') {
      logEvent('warn', 'schema_check_failed', { message: `The database did not answer the schema check within ${SCHEMA_CHECK_TIMEOUT_MS / 1000} s; serving anyway.` });
    }
  } catch (error) {
    logEvent('error', 'schema_check_failed', { message: 'The schema check could not run; serving anyway.', cause: error instanceof Error ? error.message : String(error) });
  }
}
