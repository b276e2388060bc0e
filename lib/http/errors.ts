// Errors that carry an HTTP answer: thrown by the domain where the caller's input is wrong (a 400
// naming the parameter) and mapped to a response by lib/http/respond.ts. Free of next/server, so
// code the browser also loads (the query parser) can use it.
import type { z } from 'zod';
import { ERROR_KIND, errorKind } from '../errors';

export class HttpError extends Error {
  readonly [ERROR_KIND] = 'http' as const;
  constructor(
    public readonly status: number,
    message: string,
    public readonly extra: Record<string, unknown> = {},
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

export interface Issue {
  parameter: string;
  message: string;
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
