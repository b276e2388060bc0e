// Calls route handlers in-process, the way Next.js does, and reads their JSON.
export interface RouteAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export async function callRoute<T = unknown>(
  handler: (request: Request) => Promise<Response>,
  url: string,
  init: RequestInit = {},
): Promise<RouteAnswer<T>> {
  const response = await handler(new Request(new URL(url, 'http://localhost'), init));
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
}
