// The store seam: every database read and write of the app is a call to a SQL function defined in
// supabase/migrations. Two transports implement it (direct Postgres, supabase-js RPC); callers never
// know which one runs.
import { ERROR_KIND, errorKind } from '../errors';

export type FunctionArgs = Record<string, string | number | boolean | null>;

export interface DatabaseStore {
  /** Calls public.<name>(named args) and returns its value (a scalar/jsonb function). */
  callValue(name: string, args?: FunctionArgs): Promise<unknown>;
  /** Calls a set-returning public.<name>(named args) and returns its rows as plain objects. */
  callRows(name: string, args?: FunctionArgs): Promise<unknown[]>;
  readonly kind: 'postgres' | 'supabase';
}

/**
 * The database could not answer (down, timed out, function missing, permission denied). Its
 * message is safe to show; `cause` carries the detail for the server log only.
 */
export class StoreUnavailableError extends Error {
  readonly [ERROR_KIND] = 'store-unavailable' as const;
  constructor(
    message: string,
    public readonly detail: { function: string; code?: string; cause: string },
  ) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** Use this, not `instanceof`: see lib/errors.ts. */
export function isStoreUnavailableError(error: unknown): error is StoreUnavailableError {
  return errorKind(error) === 'store-unavailable';
}

/** Only plain identifiers reach SQL text; values always travel as parameters. */
export function assertFunctionName(name: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Invalid SQL function name: ${name}`);
}
