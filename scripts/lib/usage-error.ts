// A mistake in the command line (or a refusal the operator can lift with a flag): runCommand prints
// it with the command's help and exits with code 2.
import { ERROR_KIND, errorKind } from '../../lib/errors';

export class UsageError extends Error {
  readonly [ERROR_KIND] = 'usage' as const;
}

/** Use this, not `instanceof`: see lib/errors.ts. */
export function isUsageError(error: unknown): error is UsageError {
  return errorKind(error) === 'usage';
}
