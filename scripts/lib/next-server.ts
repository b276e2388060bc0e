// Builds (once) and starts the production server (`next start`) for tests and benchmarks over HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './embedded-postgres';
import { PROJECT_ROOT } from './migrate';

const NEXT_BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'next');

export interface NextServer {
  url: string;
  stop: () => Promise<void>;
  /** Everything the server printed, for assertions on its logs. */
  output: () => string;
}

/** Runs `next build` unless a build newer than every source file exists (or force). */
export async function buildNext(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<void> {
  if (!options.force && buildIsFresh()) return;
  options.log?.('next build …');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(NEXT_BIN, ['build'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed:\n${output}`))));
  });
}

function buildIsFresh(): boolean {
  const marker = path.join(PROJECT_ROOT, '.next', 'BUILD_ID');
  if (!fs.existsSync(marker)) return false;
  const built = fs.statSync(marker).mtimeMs;
  const newest = (dir: string): number => {
    let latest = 0;
    for (const entry of fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? newest(rel) : fs.statSync(path.join(PROJECT_ROOT, rel)).mtimeMs);
    }
    return latest;
  };
  const sources = ['app', 'components', 'lib'].filter((dir) => fs.existsSync(path.join(PROJECT_ROOT, dir)));
  const configs = ['next.config.js', 'package.json', 'instrumentation.ts', 'instrumentation-node.ts', 'proxy.ts']
    .map((f) => fs.statSync(path.join(PROJECT_ROOT, f)).mtimeMs);
  return Math.max(...sources.map(newest), ...configs) < built;
}

/**
 * Starts `next start` on a free port with the given environment and waits until it answers; `cwd`:
 * another built checkout of the app (the page benchmark times one build against another).
 */
export async function startNextServer(env: Record<string, string>, options: { cwd?: string } = {}): Promise<NextServer> {
  const port = await freePort();
  const cwd = options.cwd ?? PROJECT_ROOT;
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(path.join(cwd, 'node_modules', '.bin', 'next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd,
    // The site's address is known only here (a free port): sign-in links and the same-origin check use it.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', SITE_URL: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    try {
      await fetch(`${url}/api/admin/refresh-views`, { signal: AbortSignal.timeout(2_000) });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  if (Date.now() >= deadline) throw new Error(`next start did not answer within 60 s:\n${output}`);
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || !child.pid) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}
