// Operators' safety for the command-line tools: a command that inserts, truncates or migrates
// (seed, seed --reset, migrate, bench) refuses a database that is not on this machine unless told
// --yes, and names the database as host/dbname, never with its user or password.
import { UsageError } from './usage-error';

export const YES_FLAG = '--yes';

/** The host a connection string reaches: `?host=` (a socket directory or a name) wins over the authority. */
function hostOf(url: URL): string {
  return url.searchParams.get('host') ?? url.hostname;
}

/** "host/dbname" of a postgres:// URL, for messages: no user, no password, no parameters. */
export function databaseName(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return `${hostOf(url) || 'localhost'}/${database || '(default database)'}`;
  } catch {
    return '(an unparseable DATABASE_URL)';
  }
}

/** True for a server on this machine: localhost, a 127.x.y.z or ::1 address, or a Unix socket. */
export function isLocalDatabase(databaseUrl: string): boolean {
  let host: string;
  try {
    host = hostOf(new URL(databaseUrl)).toLowerCase();
  } catch {
    return false;
  }
  return host === '' || host === 'localhost' || host === '[::1]' || host === '::1' || host.startsWith('/')
    || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Throws a UsageError (exit code 2, before anything is sent to the database) when `action` would
 * write to a database elsewhere and the operator did not confirm it with --yes.
 */
export function refuseRemoteWrite(databaseUrl: string, options: { yes: boolean; action: string }): void {
  if (options.yes || isLocalDatabase(databaseUrl)) return;
  throw new UsageError(
    `Refusing to ${options.action} ${databaseName(databaseUrl)}: DATABASE_URL names a database that is not on this machine. ` +
    `If that is really the database you mean, run the command again with ${YES_FLAG}.`,
  );
}
