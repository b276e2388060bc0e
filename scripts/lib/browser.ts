// The one place that finds and launches Chromium for the browser tests and the page benchmark,
// without ever downloading a browser: CHROMIUM_PATH if set, else a system Chromium, else the
// Chromium shipped inside the @sparticuz/chromium devDependency (its binary, libraries and a font
// are in the npm tarball; they are unpacked once into node_modules/.cache).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PROJECT_ROOT } from './migrate';

/** Where distributions put Chromium (Debian's `chromium`, Ubuntu's, Google's packages). */
const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];

/** CHROMIUM_PATH=bundled skips the system browser and uses the npm one (to test that path). */
const BUNDLED = 'bundled';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface ChromiumChoice {
  source: 'CHROMIUM_PATH' | 'system' | 'npm';
  executablePath: string;
  /** Extra environment of the browser process (the npm build's libraries and fonts). */
  env: Record<string, string>;
  /** One line for logs: which browser and why. */
  description: string;
}

export interface FindOptions {
  /** Defaults to process.env.CHROMIUM_PATH. */
  chromiumPath?: string;
  /** Defaults to SYSTEM_CHROMIUM_PATHS. */
  systemPaths?: readonly string[];
  /** Where the npm build is unpacked; defaults to node_modules/.cache/chromium-<version>. */
  cacheDir?: string;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export async function findChromium(options: FindOptions = {}): Promise<ChromiumChoice> {
  const configured = (options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '').trim();
  if (configured && configured !== BUNDLED) {
    if (!isExecutable(configured)) {
      throw new Error(`CHROMIUM_PATH=${configured} is not an executable file (unset it to use a system or the bundled Chromium)`);
    }
    return { source: 'CHROMIUM_PATH', executablePath: configured, env: {}, description: `CHROMIUM_PATH (${configured})` };
  }
  if (configured !== BUNDLED) {
    const system = (options.systemPaths ?? SYSTEM_CHROMIUM_PATHS).find(isExecutable);
    if (system) return { source: 'system', executablePath: system, env: {}, description: `system Chromium (${system})` };
  }
  return bundledChromium(options.cacheDir);
}

function bundledVersion(): string {
  const manifest = path.join(PROJECT_ROOT, 'node_modules', '@sparticuz', 'chromium', 'package.json');
  if (!fs.existsSync(manifest)) {
    throw new Error('No Chromium found: set CHROMIUM_PATH, install chromium, or run npm install (it brings @sparticuz/chromium)');
  }
  return String((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string }).version);
}

/** The npm build, unpacked once per version; concurrent callers each unpack aside and one rename wins. */
async function bundledChromium(cacheDir?: string): Promise<ChromiumChoice> {
  const version = bundledVersion();
  const dir = cacheDir ?? path.join(PROJECT_ROOT, 'node_modules', '.cache', `chromium-${version}`);
  const executablePath = path.join(dir, 'chromium');
  if (!isExecutable(executablePath)) {
    const staging = `${dir}.unpacking-${process.pid}-${Date.now()}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
      await unpack(staging);
      // Its own fonts.conf names Lambda's folders; ours names where the font is here, then the
      // system's fonts when the machine has any (symbols such as ▲ ▼ are not in Open Sans).
      fs.writeFileSync(path.join(staging, 'fonts.conf'), fontsConf(path.join(dir, 'fonts', 'fonts'), path.join(dir, 'fonts-cache')));
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      try {
        fs.renameSync(staging, dir);
      } catch (error) {
        if (!isExecutable(executablePath)) throw error;
      }
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return {
    source: 'npm',
    executablePath,
    env: {
      FONTCONFIG_FILE: path.join(dir, 'fonts.conf'),
      LD_LIBRARY_PATH: [path.join(dir, 'al2023', 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    },
    description: `@sparticuz/chromium ${version} (${dir})`,
  };
}

/**
 * Runs the package's own unpacker in a child whose temporary folder is `target` (it unpacks into
 * os.tmpdir()). It unpacks the libraries it ships (NSS) only on Amazon Linux, which the child's
 * AWS_EXECUTION_ENV claims, so the browser runs on machines without libnss3 too.
 */
function unpack(target: string): Promise<void> {
  const script = `import('@sparticuz/chromium').then((m) => m.default.executablePath()).then((p) => process.stdout.write(p))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, TMPDIR: target, AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const unpacked = path.join(target, 'chromium');
      if (code === 0 && fs.existsSync(unpacked)) {
        fs.chmodSync(unpacked, 0o755);
        resolve();
      } else {
        reject(new Error(`unpacking @sparticuz/chromium failed (exit ${code}):\n${output}`));
      }
    });
  });
}

function fontsConf(fontDir: string, cacheDir: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${fontDir}</dir>
  <cachedir>${cacheDir}</cachedir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
</fontconfig>
`;
}

/** Finds a Chromium (see findChromium) and launches it headless. */
export async function launchChromium(options: FindOptions & { log?: (line: string) => void } = {}): Promise<Browser> {
  const choice = await findChromium(options);
  options.log?.(`browser: ${choice.description}`);
  return chromium.launch({
    executablePath: choice.executablePath,
    args: CHROMIUM_ARGS,
    env: { ...process.env, ...choice.env } as Record<string, string>,
  });
}
