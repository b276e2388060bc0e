// What the app knows of the database's schema version. The database is asked at start-up
// (instrumentation-node.ts) and again only when a read fails the way a schema out of step fails (an
// answer of an unexpected shape, a missing function or table); healthy requests read the cached
// verdict and make no round trip. While the schema is out of step every database call is refused
// up front with the fix, and the database is asked again every OUT_OF_STEP_RECHECK_MS, so the app
// recovers by itself once the migrations are applied (or the matching app is deployed).
// The state lives on globalThis: instrumentation, the proxy and the routes are separate bundles in
// one process. Where the proxy runs apart from the app, it finds nothing cached and lets requests by.
import { isZodError } from '../errors';
import { logEvent } from '../log';
import {
  compareSchema, isOutOfStep, migrateCommand, outOfStepDetails, schemaMessage, schemaVersionSchema, SchemaOutOfStepError,
  type OutOfStepVerdict, type SchemaVerdict,
} from './schema-version';
import { isStoreUnavailableError, type DatabaseStore } from './store';

/** While out of step, the database is asked again when the verdict is older than this. */
export const OUT_OF_STEP_RECHECK_MS = 5_000;
/** Postgres: undefined function, undefined table; PostgREST: no such function in its schema cache. */
const MISSING_OBJECT_CODES: ReadonlySet<string> = new Set(['42883', '42P01', 'PGRST202']);

interface SchemaState {
  /** The store to ask: the process's own (lib/db getStore binds it). */
  store?: DatabaseStore;
  /** undefined until the database has answered once (it may be down at start-up). */
  verdict?: SchemaVerdict;
  /** When the database was last asked, answered or not. */
  askedAt: number;
  asking?: Promise<SchemaVerdict | undefined>;
}

const KEY = Symbol.for('campaign-dashboard.schema-state');
const holder = globalThis as typeof globalThis & { [KEY]?: SchemaState };

function state(): SchemaState {
  holder[KEY] ??= { askedAt: 0 };
  return holder[KEY];
}

/** Which store to ask; another store (tests swap them) forgets what was known of the previous one. */
export function bindSchemaCheck(store: DatabaseStore | undefined): void {
  if (holder[KEY]?.store !== store) holder[KEY] = { store, askedAt: 0 };
}

/** A failure that a database without the app's functions or tables produces. */
export function isMissingObject(error: unknown): boolean {
  return isStoreUnavailableError(error) && MISSING_OBJECT_CODES.has(error.detail.code ?? '');
}

/** One round trip: the database's schema version against the app's. Throws when the database cannot answer. */
export async function askSchema(store: DatabaseStore): Promise<SchemaVerdict> {
  const command = migrateCommand(store.kind);
  let reply: unknown;
  try {
    reply = await store.callValue('dashboard_schema_version');
  } catch (error) {
    // Older than the function itself: behind, whatever else it lacks.
    if (isMissingObject(error)) return compareSchema(null, command);
    throw error;
  }
  return compareSchema(schemaVersionSchema.parse(reply), command);
}

/** Asks the database now (one question at a time), caches the answer and logs it when it changed; undefined if it did not answer. */
export function checkSchema(): Promise<SchemaVerdict | undefined> {
  const current = state();
  const store = current.store;
  if (!store) return Promise.resolve(current.verdict);
  current.asking ??= (async () => {
    try {
      const verdict = await askSchema(store);
      if (verdict.kind !== current.verdict?.kind || verdict.database?.version !== current.verdict.database?.version) logVerdict(verdict);
      current.verdict = verdict;
      return verdict;
    } catch (error) {
      logEvent('warn', 'schema_check_failed', {
        message: 'The database did not answer the schema check; it is asked again when a read fails.',
        cause: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    } finally {
      current.askedAt = Date.now();
      current.asking = undefined;
    }
  })();
  return current.asking;
}

function logVerdict(verdict: SchemaVerdict): void {
  const versions = { app_schema_version: verdict.app, database_schema_version: verdict.database?.version ?? null };
  if (isOutOfStep(verdict)) {
    logEvent('error', 'schema_out_of_step', { message: schemaMessage(verdict), ...outOfStepDetails(verdict) });
  } else if (verdict.kind === 'ahead-compatible') {
    logEvent('info', 'schema_ahead_compatible', {
      message: `The database is ahead of this app but still serves it (apps from ${verdict.database?.compatible_since} on).`,
      ...versions,
    });
  } else {
    logEvent('info', 'schema_in_step', versions);
  }
}

/**
 * The verdict that refuses database calls now, if any. In step (or never learned): no round trip.
 * Out of step: the cached verdict, asked again once it is older than OUT_OF_STEP_RECHECK_MS.
 */
export async function outOfStep(): Promise<OutOfStepVerdict | undefined> {
  const current = state();
  if (!current.verdict || !isOutOfStep(current.verdict)) return undefined;
  if (Date.now() - current.askedAt >= OUT_OF_STEP_RECHECK_MS) await checkSchema();
  const verdict = state().verdict;
  return verdict && isOutOfStep(verdict) ? verdict : undefined;
}

/**
 * A failed read that looks like a schema out of step (an answer of the wrong shape, a missing
 * function or table) makes the app ask the database again: the out-of-step error if that is the
 * cause, else the failure as it was (a bug, or a migration that broke the contract without saying so).
 */
export async function explainFailure(error: unknown): Promise<unknown> {
  if (!isZodError(error) && !isMissingObject(error)) return error;
  const verdict = await checkSchema();
  return verdict && isOutOfStep(verdict) ? new SchemaOutOfStepError(verdict) : error;
}

/** The store the app uses: each call passes the schema gate first (a cached verdict, no round trip while in step). */
export function gatedStore(store: DatabaseStore): DatabaseStore {
  const gate = async () => {
    const verdict = await outOfStep();
    if (verdict) throw new SchemaOutOfStepError(verdict);
  };
  return {
    kind: store.kind,
    async callValue(name, args) {
      await gate();
      return store.callValue(name, args);
    },
    async callRows(name, args) {
      await gate();
      return store.callRows(name, args);
    },
  };
}
