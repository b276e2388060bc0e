// Calls route handlers in-process, the way Next.js does, and reads their JSON; lists the API's routes.
import fs from 'node:fs';
import path from 'node:path';

export interface RouteAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** A dynamic route's segment values, as Next.js hands them to the handler (our routes' one segment is [id]). */
export type RouteContext = { params: Promise<Record<string, string> & { id: string }> };

export async function callRoute<T = unknown>(
  handler: (request: Request, context: RouteContext) => Promise<Response>,
  url: string,
  init: RequestInit = {},
  params: Record<string, string> = {},
): Promise<RouteAnswer<T>> {
  const response = await handler(new Request(new URL(url, 'http://localhost'), init), { params: Promise.resolve({ id: '', ...params }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** Every method of every API route file (route.ts under app/api), as 'GET /api/dashboard/aggregate'. */
export function apiRoutes(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const route = `/${path.relative(path.join(root, 'app'), dir).split(path.sep).join('/')}`;
        const exported = /export (?:const|(?:async )?function) (GET|POST|PUT|PATCH|DELETE)\b/g;
        for (const [, method] of fs.readFileSync(full, 'utf8').matchAll(exported)) found.push(`${method} ${route}`);
      }
    }
  };
  walk(path.join(root, 'app', 'api'));
  return found.sort();
}

/** API routes that never reach the database (the OpenAPI document is built from the code alone). */
export const DATABASE_FREE_ROUTES = ['GET /api/openapi.json'];

/** The API routes that read or write the database. */
export function databaseRoutes(root: string): string[] {
  return apiRoutes(root).filter((route) => !DATABASE_FREE_ROUTES.includes(route));
}
