// The rule that keeps the app and its schema in step, as a checker over migration files: a migration
// that changes an object of the app's contract must redefine public.dashboard_schema_version() with
// its own timestamp, and the newest definition must be the app's APP_SCHEMA_VERSION. The contract is
// read from the code: the SQL functions the app and its scripts name, the tables its scripts read.
import fs from 'node:fs';
import path from 'node:path';

export const VERSION_FUNCTION = 'dashboard_schema_version';

export const RULE = `
The rule (supabase/migrations/20251223000001_dashboard_schema_version.sql explains it): a migration that
creates, replaces, alters, renames or drops a function or table of the app's contract must also
  1. redefine public.${VERSION_FUNCTION}() (copy the latest definition) with 'version' = its own
     14-digit timestamp, and 'compatible_since' raised to that timestamp too if an app of the
     previous version would break (never lowered);
  2. set APP_SCHEMA_VERSION in lib/db/schema-version.ts to the same timestamp.`;

export interface Migration {
  file: string;
  sql: string;
}

export interface Contract {
  functions: string[];
  tables: string[];
}

export function readMigrations(dir: string): Migration[] {
  return fs.readdirSync(dir).filter((file) => /^\d{14}_.+\.sql$/.test(file)).sort()
    .map((file) => ({ file, sql: fs.readFileSync(path.join(dir, file), 'utf8') }));
}

const versionOf = (file: string) => file.slice(0, 14);
const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An object name as SQL may write it: optionally schema-qualified, optionally quoted. */
const qualified = (name: string) => `(?:"?public"?\\.)?"?${escape(name)}"?(?![\\w$])`;

/** SQL without comments (a comment that names an object changes nothing). String literals are kept. */
export function stripSqlComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/--[^\n]*/g, '');
}

/** The contract objects a migration creates, replaces, alters, renames or drops. */
export function contractChanges(sql: string, contract: Contract): string[] {
  const text = stripSqlComments(sql);
  // A DROP lists objects up to its semicolon; CREATE and ALTER name one right after the keywords.
  const drops = (kind: string) => [...text.matchAll(new RegExp(`\\bdrop\\s+${kind}\\s+([^;]*)`, 'gi'))].map((m) => m[1] ?? '');
  const named = (head: string, name: string) => new RegExp(`\\b${head}\\s+${qualified(name)}`, 'i').test(text);
  const listed = (lists: string[], name: string) => lists.some((list) => new RegExp(`(?:^|[\\s,(])${qualified(name)}`, 'i').test(list));
  const functionDrops = drops('function');
  const tableDrops = [...drops('table'), ...drops('(?:materialized\\s+)?view')];
  const functions = contract.functions.filter((name) => name !== VERSION_FUNCTION
    && (named('(?:create\\s+(?:or\\s+replace\\s+)?|alter\\s+)function', name) || listed(functionDrops, name)));
  const tables = contract.tables.filter((name) =>
    named('(?:create\\s+(?:unlogged\\s+)?table(?:\\s+if\\s+not\\s+exists)?|alter\\s+table(?:\\s+if\\s+exists)?(?:\\s+only)?)', name)
    || named('(?:create\\s+(?:or\\s+replace\\s+)?(?:materialized\\s+)?view|alter\\s+(?:materialized\\s+)?view(?:\\s+if\\s+exists)?)', name)
    || listed(tableDrops, name));
  return [...functions, ...tables];
}

export interface VersionDefinition {
  version: string;
  compatibleSince: string;
}

/** The version a migration's definition of dashboard_schema_version() answers; null if it has none. */
export function versionDefinition(sql: string): VersionDefinition | 'unreadable' | null {
  const text = stripSqlComments(sql);
  const start = text.search(new RegExp(`\\bcreate\\s+(?:or\\s+replace\\s+)?function\\s+${qualified(VERSION_FUNCTION)}`, 'i'));
  if (start < 0) return null;
  const body = /\$(\w*)\$([\s\S]*?)\$\1\$/.exec(text.slice(start))?.[2] ?? '';
  const version = /'version'\s*,\s*'(\d{14})'/.exec(body)?.[1];
  const compatibleSince = /'compatible_since'\s*,\s*'(\d{14})'/.exec(body)?.[1];
  return version && compatibleSince ? { version, compatibleSince } : 'unreadable';
}

/** Every breach of the rule, one sentence each naming the file; empty when the migrations follow it. */
export function checkMigrations(migrations: Migration[], contract: Contract, appVersion: string): string[] {
  const problems: string[] = [];
  const first = migrations.findIndex((m) => versionDefinition(m.sql) !== null);
  if (first < 0) return [`No migration defines public.${VERSION_FUNCTION}().`];
  let latest: VersionDefinition | undefined;
  for (const { file, sql } of migrations.slice(first)) {
    const definition = versionDefinition(sql);
    const changes = contractChanges(sql, contract);
    if (definition === 'unreadable') {
      problems.push(`${file} redefines ${VERSION_FUNCTION}() but not as jsonb_build_object('version', '<14 digits>', 'compatible_since', '<14 digits>').`);
      continue;
    }
    if (definition === null) {
      if (changes.length > 0) problems.push(`${file} changes ${changes.join(', ')} but does not redefine public.${VERSION_FUNCTION}() with version '${versionOf(file)}'.`);
      continue;
    }
    if (definition.version !== versionOf(file)) {
      problems.push(`${file} redefines ${VERSION_FUNCTION}() with version '${definition.version}'; it must be its own timestamp, '${versionOf(file)}'.`);
    }
    if (definition.compatibleSince > definition.version) {
      problems.push(`${file}: compatible_since '${definition.compatibleSince}' is later than its version '${definition.version}'.`);
    }
    if (latest && definition.compatibleSince < latest.compatibleSince) {
      problems.push(`${file}: compatible_since '${definition.compatibleSince}' goes back before '${latest.compatibleSince}' (it may only move forward).`);
    }
    latest = definition;
  }
  if (latest && latest.version !== appVersion) {
    problems.push(`APP_SCHEMA_VERSION (lib/db/schema-version.ts) is '${appVersion}', but the newest ${VERSION_FUNCTION}() says '${latest.version}': they must be equal.`);
  }
  return problems;
}

/** Names defined by the migrations: CREATE FUNCTION, CREATE TABLE / VIEW / MATERIALIZED VIEW. */
function definedNames(migrations: Migration[], kind: 'function' | 'table'): string[] {
  const pattern = kind === 'function'
    ? /\bcreate\s+(?:or\s+replace\s+)?function\s+(?:public\.)?(\w+)/gi
    : /\bcreate\s+(?:unlogged\s+)?(?:table(?:\s+if\s+not\s+exists)?|(?:or\s+replace\s+)?(?:materialized\s+)?view)\s+(?:public\.)?(\w+)/gi;
  return [...new Set(migrations.flatMap((m) => [...stripSqlComments(m.sql).matchAll(pattern)].map((match) => (match[1] ?? '').toLowerCase())))];
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/**
 * The app's contract, read from its code (lib/ and scripts/): the functions it calls (named as a
 * string, 'dashboard_aggregate', as callValue/callRows/callAs take them, or as public.<name>( in
 * SQL text), with the *_for_member wrapper callAs calls for a signed-in reader; and the tables it
 * reads or writes in SQL text (public.<table>, or after from/join/into/update).
 */
export function appContract(root: string, migrations: Migration[]): Contract {
  const code = ['lib', 'scripts'].flatMap((dir) => sourceFiles(path.join(root, dir))).map((file) => fs.readFileSync(file, 'utf8')).join('\n');
  const defined = definedNames(migrations, 'function');
  const called = defined.filter((name) => new RegExp(`['"\`]${name}['"\`]|public\\.${name}\\s*\\(`).test(code));
  const functions = [...new Set(called.flatMap((name) => (defined.includes(`${name}_for_member`) ? [name, `${name}_for_member`] : [name])))];
  const tables = definedNames(migrations, 'table')
    .filter((name) => new RegExp(`public\\.${name}\\b|\\b(?:from|join|into|update)\\s+${name}\\b`, 'i').test(code));
  return { functions: functions.sort(), tables: tables.sort() };
}
