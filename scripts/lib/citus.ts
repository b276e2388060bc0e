// A local Citus cluster (a coordinator and workers, PostgreSQL 15 + Citus) for `npm run test:citus`,
// started with the test scripts in ../shared/citus (build.sh, cluster.sh) when no CITUS_DATABASE_URL
// is given. Users bring their own Citus; this only lets tests run against the real engine here.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from './migrate';

const run = promisify(execFile);

export interface LocalCitus {
  /** The coordinator: postgres://postgres:postgres@127.0.0.1:PORT/DB */
  url: string;
  stop: () => Promise<void>;
}

/** Where the Citus test scripts are: ../shared/citus beside the repository (CI), else /work/shared/citus. */
function citusScriptsDir(): string | undefined {
  const candidates = [path.resolve(PROJECT_ROOT, '..', 'shared', 'citus'), '/work/shared/citus'];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'build.sh')) && fs.existsSync(path.join(dir, 'cluster.sh')));
}

/** Why this machine cannot start a local cluster, or undefined when it can. */
function localCitusUnavailable(): string | undefined {
  if (!citusScriptsDir()) return 'the Citus test scripts are missing (expected ../shared/citus beside the repository)';
  if (process.platform !== 'linux') return 'the Citus test scripts run on Linux only';
  if (process.getuid?.() !== 0) return 'building Citus and running PostgreSQL as the postgres user needs root';
  return undefined;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first of `count` consecutive free ports on 127.0.0.1, probing random bases in 20000-39999. */
async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await portIsFree(port);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}

/**
 * Builds Citus if needed (build.sh: about a minute the first time, nothing afterwards), then starts a
 * coordinator and `workers` workers on free ports in a temporary directory. stop() stops them and
 * deletes the directory.
 */
export async function startLocalCitus(options: { workers?: number; database?: string; log?: (line: string) => void } = {}): Promise<LocalCitus> {
  const unavailable = localCitusUnavailable();
  if (unavailable) throw new Error(`Cannot start a local Citus cluster: ${unavailable}. Set CITUS_DATABASE_URL to a Citus coordinator instead.`);
  const scripts = citusScriptsDir()!;
  const log = options.log ?? (() => {});
  const workers = options.workers ?? 2;
  const database = options.database ?? 'dashboard';
  log('citus: build.sh (installs Citus 13.2 into PostgreSQL 15 once)');
  await script(path.join(scripts, 'build.sh'), [], 900_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-citus-'));
  const stop = async () => {
    await script(path.join(scripts, 'cluster.sh'), ['stop', dir], 120_000).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePortRange(workers + 1);
    log(`citus: cluster.sh start (coordinator on 127.0.0.1:${port}, ${workers} workers)`);
    const output = await script(path.join(scripts, 'cluster.sh'), ['start', dir, String(port), String(workers), database], 300_000);
    const url = output.trim().split('\n').filter((line) => line.startsWith('postgres://')).pop();
    if (!url) throw new Error(`cluster.sh printed no coordinator URL:\n${output}`);
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function script(file: string, args: string[], timeout: number): Promise<string> {
  try {
    const { stdout } = await run('bash', [file, ...args], { timeout, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(file)} ${args.join(' ')} failed:\n${failure.stderr || failure.stdout || failure.message}`);
  }
}
