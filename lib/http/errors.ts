// Errors that carry an HTTP answer: thrown by the domain where the caller's input is wrong (a 400
// naming the parameter) and mapped to a response by lib/http/respond.ts. Free of next/server, so
// code the browser also loads (the query parser) can use it.
import { z } from 'zod';
import { outOfStepDetailsSchema } from '../db/schema-version';
import { ERROR_KIND, errorKind } from '../errors';

/** One bad parameter (a query parameter, `body`, or a field of the JSON body) and what is wrong with it. */
export const issueSchema = z.object({ parameter: z.string(), message: z.string() });
export type Issue = z.infer<typeof issueSchema>;

/**
 * The JSON body of every error answer of the API (lib/http/respond.ts builds it, and parses it with
 * this schema, which the OpenAPI document publishes).
 */
export const errorBodySchema = z.object({
  error: z.string().meta({ description: 'What went wrong, safe to show to a person: never a stack, a SQL text or a secret.' }),
  issues: z.array(issueSchema).optional().meta({ description: 'On a 400 (and the 403 of source=raw): each bad parameter or body field.' }),
  schema: outOfStepDetailsSchema.optional().meta({ description: 'On the 503 of a database out of step with the app: which migration is missing and how to apply it.' }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
/** An error body's fields beside `error`. */
export type ErrorDetails = Omit<ErrorBody, 'error'>;

export class HttpError extends Error {
  readonly [ERROR_KIND] = 'http' as const;
  constructor(
    public readonly status: number,
    message: string,
    public readonly extra: ErrorDetails = {},
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Use this, not `instanceof`: see lib/errors.ts. */
export function isHttpError(error: unknown): error is HttpError {
  return errorKind(error) === 'http';
}

/** A 400 whose body names each bad parameter: { error, issues: [{ parameter, message }] }. */
export function badRequest(issues: Issue[]): HttpError {
  const names = [...new Set(issues.map((issue) => issue.parameter))];
  return new HttpError(400, `Invalid ${names.join(', ')}: ${issues.map((i) => i.message).join('; ')}`, { issues });
}

/** zod issues → our issue list (the first path element is the parameter name). */
export function issuesFromZod(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ parameter: String(issue.path[0] ?? 'query'), message: issue.message }));
}
