// Start-up checks of the Node.js server (see instrumentation.ts).
import { isEnvError, parseEnv } from './lib/env';
import { logEvent } from './lib/log';

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
      message: 'Sign-in throttling reads the client IP from X-Forwarded-For. Outside Vercel that is only trustworthy behind a proxy that overwrites it; otherwise set CLIENT_IP_HEADER to the header your proxy sets (see the README, Access).',
    });
  }
} catch (error) {
  if (isEnvError(error)) {
    console.error(`\n${error.message}\nSee .env.example and the README.\n`);
    process.exit(1);
  }
  throw error;
}
