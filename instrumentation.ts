// Runs once when the Next.js server starts, before it serves: a wrong or missing environment variable
// stops it with a message naming the variable, and the database's schema version is checked (see
// instrumentation-node.ts). onRequestError logs a render's unexpected failure as one JSON line with
// the digest that app/error.tsx shows, so a reader's reference finds its cause.
import { logEvent } from './lib/log';

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./instrumentation-node')).startupChecks();
}

export function onRequestError(error: unknown, request: { method: string }, context: { routePath: string; routeType: string }): void {
  const digest = typeof error === 'object' && error !== null && 'digest' in error ? String(error.digest) : undefined;
  logEvent('error', 'unhandled_error', {
    route: `${request.method} ${context.routePath}`,
    route_type: context.routeType,
    digest,
    message: error instanceof Error ? error.message : String(error),
  });
}
