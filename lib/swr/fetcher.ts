// The one fetcher of the page's SWR hooks: JSON in, checked for the endpoint's shape; a failure
// becomes an ApiError carrying the HTTP status and the server's own message. The server has already
// validated every answer against the contract's zod schemas (lib/dashboard/response.ts) before
// sending it, so the browser only checks the shape it is about to draw (guards.ts), and zod stays
// out of the page's JavaScript.

export class ApiError extends Error {
  constructor(public readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Whether a value has the shape a hook draws. */
export type Guard<T> = (value: unknown) => value is T;

export async function fetchJson<T>(url: string, isExpected: Guard<T>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'The server could not be reached.');
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && typeof body === 'object' && 'error' in body && typeof body.error === 'string' ? body.error : `Request failed (${response.status}).`;
    throw new ApiError(response.status, message);
  }
  if (!isExpected(body)) throw new ApiError(response.status, 'The server answered in an unexpected format.');
  return body;
}
