// The alerts routes' parsing: the workspace (the only query parameter), a JSON body against its
// schema (400 naming the field), a rule or channel id; and the one check every state-changing alerts
// route runs first.
import { z } from 'zod';
import { parseRefreshTarget } from '../admin/member-refresh';
import { badRequest, HttpError } from '../http/errors';

export const parseWorkspace = parseRefreshTarget;

export async function parseBody<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  const json: unknown = await request.json().catch(() => undefined);
  if (json === undefined) throw badRequest([{ parameter: 'body', message: 'the body must be JSON' }]);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw badRequest(parsed.error.issues.map((issue) => ({ parameter: issue.path.length ? String(issue.path[0]) : 'body', message: issue.message })));
  }
  return parsed.data;
}

/** The path of the routes about one rule or channel: its id (anything else is no such rule or channel: 404). */
export const idParamsSchema = z.object({ id: z.uuid().meta({ description: 'The rule\'s or channel\'s id.' }) });

export async function parseId(params: Promise<{ id: string }>): Promise<string> {
  const parsed = idParamsSchema.safeParse(await params);
  if (!parsed.success) throw new HttpError(404, 'No such rule or channel in this workspace.');
  return parsed.data.id;
}

