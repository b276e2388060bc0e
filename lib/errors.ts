// Our error classes carry a brand that survives bundling. `instanceof` does not: the production build
// can hold two copies of a class (one per bundle), and an error made by one copy is not an instance
// of the other, so the error mapper fell through to 500. The brand is a global Symbol.for key whose
// value names the kind, checked by the type guards next to each class.

export const ERROR_KIND = Symbol.for('campaign-dashboard.error-kind');

export type ErrorKind = 'http' | 'store-unavailable' | 'schema-out-of-step' | 'invalid-environment' | 'usage';
const KINDS: readonly unknown[] = ['http', 'store-unavailable', 'schema-out-of-step', 'invalid-environment', 'usage'] satisfies ErrorKind[];

/** The kind of one of our errors, whichever copy of its class made it; undefined for anything else. */
export function errorKind(error: unknown): ErrorKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const kind = (error as { [ERROR_KIND]?: unknown })[ERROR_KIND];
  return KINDS.includes(kind) ? (kind as ErrorKind) : undefined;
}

/**
 * A zod validation failure, from any copy of zod: its own check is by trait, not by class, so the
 * name and the issues list are checked too. Thrown where a database answer does not have the shape
 * the app expects.
 */
export function isZodError(error: unknown): error is Error & { issues: Array<{ path: PropertyKey[]; message: string }> } {
  return error instanceof Error && error.name === 'ZodError' && Array.isArray((error as { issues?: unknown }).issues);
}
