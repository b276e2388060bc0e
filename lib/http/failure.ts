// What a failure means to a caller, shared by the API's error mapper (lib/http/respond.ts) and the
// pages (lib/http/page-failure.ts), so both answer the same classes: the caller's mistake (4xx, the
// field named), the database unreachable or out of step with the app (503, with what to do), a
// misconfigured server (503, naming the variables), anything else a bug (500, details in the log
// only). Free of next/server.
import { isStoreUnavailableError } from '../db/store';
import { isSchemaOutOfStepError, outOfStepDetails } from '../db/schema-version';
import { isEnvError } from '../env';
import { isZodError } from '../errors';
import { logEvent } from '../log';
import { isHttpError, type ErrorDetails } from './errors';

/** Seconds a client should wait before asking again while the database cannot answer. */
export const RETRY_AFTER_SECONDS = 30;

export interface Failure {
  status: number;
  /** Safe to show: never a stack, a SQL text or a secret. */
  message: string;
  /** Fields of the JSON answer beside `error`. */
  extra: ErrorDetails;
  headers: Record<string, string>;
  /** The server log's line for it (the cause stays here), if any. */
  log?: { event: string; fields: Record<string, unknown> };
}

/** Recognised by brand (lib/errors.ts), never by `instanceof`, which fails in the production bundle. */
export function classifyFailure(error: unknown): Failure {
  const retry = { 'Retry-After': String(RETRY_AFTER_SECONDS) };
  if (isHttpError(error)) return { status: error.status, message: error.message, extra: error.extra, headers: error.headers };
  if (isSchemaOutOfStepError(error)) {
    const details = outOfStepDetails(error.verdict);
    return { status: 503, message: error.message, extra: { schema: details }, headers: retry, log: { event: 'schema_out_of_step', fields: details } };
  }
  if (isStoreUnavailableError(error)) {
    return { status: 503, message: error.message, extra: {}, headers: retry, log: { event: 'database_unavailable', fields: { ...error.detail } } };
  }
  if (isEnvError(error)) {
    // Names the variables, never their values.
    return {
      status: 503,
      message: `The server is misconfigured: check ${error.variables.join(', ')}.`,
      extra: {},
      headers: {},
      log: { event: 'invalid_environment', fields: { variables: error.variables } },
    };
  }
  if (isZodError(error)) {
    // The database answered with a shape we do not expect, and its schema version says it is in step:
    // a migration that changed the contract without saying so (see the schema version's migration).
    return {
      status: 503,
      message: 'The database answered in an unexpected format.',
      extra: {},
      headers: {},
      log: { event: 'unexpected_database_response', fields: { issues: error.issues.slice(0, 5) } },
    };
  }
  return {
    status: 500,
    message: 'Internal error.',
    extra: {},
    headers: {},
    log: { event: 'unhandled_error', fields: { message: error instanceof Error ? error.message : String(error) } },
  };
}

/** One JSON line for a failure that has one. */
export function logFailure(failure: Failure, route: string): void {
  if (failure.log) logEvent('error', failure.log.event, { route, ...failure.log.fields });
}
