// .env.example lists every variable the app reads, each under a line saying what it is for: every
// key of lib/env.ts's schema, every other process.env read in the app's code, and the variables of
// user-facing scripts named below; and nothing else, once.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../lib/env';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';

/** Read by user-facing commands (npm run …), not by the app: `npm run bench -- --citus`. */
const SCRIPT_VARIABLES = ['CITUS_DATABASE_URL'];

/** The app's code: everything a build of the site runs (scripts and tests excluded). */
const APP_CODE = ['app', 'lib', 'components', 'proxy.ts', 'instrumentation.ts', 'instrumentation-node.ts', 'next.config.js'];

const VARIABLE_LINE = /^#?\s*([A-Z][A-Z0-9_]*)=/;
const READ = /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g;

function sourceFiles(entry: string): string[] {
  const full = path.join(PROJECT_ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return /\.(ts|tsx|js|mjs)$/.test(full) ? [full] : [];
  return fs.readdirSync(full).flatMap((name) => sourceFiles(path.join(entry, name)));
}

/** Every variable read as process.env.NAME (or process.env['NAME']) in these files or folders. */
function readsIn(entries: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of entries.flatMap(sourceFiles)) {
    for (const [, dotted, quoted] of fs.readFileSync(file, 'utf8').matchAll(READ)) names.add(dotted ?? quoted ?? '');
  }
  return names;
}

/** What is wrong with an .env.example's text, given the variables it must list (an empty list: nothing). */
function problems(text: string, required: Set<string>, known: Set<string>): string[] {
  const lines = text.split('\n');
  const found: string[] = [];
  const issues: string[] = [];
  lines.forEach((line, index) => {
    const name = VARIABLE_LINE.exec(line)?.[1];
    if (!name) return;
    if (found.includes(name)) issues.push(`${name} is listed twice`);
    found.push(name);
    if (!known.has(name)) issues.push(`${name} is listed but the app does not read it`);
    const above = lines[index - 1] ?? '';
    if (!/^#\s*\S/.test(above) || VARIABLE_LINE.test(above)) issues.push(`${name} has no line above it saying what it is for`);
  });
  for (const name of required) if (!found.includes(name)) issues.push(`${name} is read but not listed`);
  return issues;
}

const example = fs.readFileSync(path.join(PROJECT_ROOT, '.env.example'), 'utf8');
const appReads = readsIn(APP_CODE);
const required = new Set([...ENV_VARIABLES, ...appReads, ...SCRIPT_VARIABLES]);

describe('.env.example', () => {
  it('lists every key of lib/env.ts\'s schema', () => {
    expect(ENV_VARIABLES.length).toBeGreaterThanOrEqual(20);
    expect(ENV_VARIABLES).toContain('MATERIALIZED_VIEWS_REFRESH_TOKEN');
    expect(problems(example, new Set(ENV_VARIABLES), required)).toEqual([]);
  });

  it('lists every other variable read by the app\'s code or a user-facing script, and nothing unknown, once, each explained', () => {
    expect(appReads).toContain('NEXT_RUNTIME');
    expect(problems(example, required, required)).toEqual([]);
  });

  it('names only script variables the scripts really read', () => {
    const scriptReads = readsIn(['scripts']);
    for (const name of SCRIPT_VARIABLES) expect({ name, read: scriptReads.has(name) }).toEqual({ name, read: true });
  });

  it('fails a copy with a variable missing, an unknown one, a duplicate or one without its explanation (the check is real)', () => {
    const without = example.split('\n').filter((line) => !line.startsWith('# CRON_SECRET=')).join('\n');
    expect(problems(without, required, required)).toEqual(['CRON_SECRET is read but not listed']);
    expect(problems(`${example}\n# Not read anywhere.\n# NOT_A_SETTING=1\n`, required, required)).toEqual(['NOT_A_SETTING is listed but the app does not read it']);
    expect(problems(`${example}\n# Again.\n# CRON_SECRET=\n`, required, required)).toEqual(['CRON_SECRET is listed twice']);
    expect(problems(`${example}\n\nCITUS_DATABASE_URL=x\n`, required, required))
      .toEqual(['CITUS_DATABASE_URL is listed twice', 'CITUS_DATABASE_URL has no line above it saying what it is for']);
  });
});
