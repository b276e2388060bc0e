// A failure of a page's server render, in the API's classes (lib/http/failure.ts). A page can only
// answer 200, 404 (notFound), 401/403 (experimental interrupts), a redirect or 500 (a thrown error):
// a 503 is what the proxy answers while the cached schema verdict is out of step (proxy.ts). Here:
// 404 stays a 404; a 4xx or 503 becomes the message the page shows, with a retry; anything else is
// a bug, rethrown to app/error.tsx (instrumentation.ts logs it with the digest the page shows).
import 'server-only';
import { notFound } from 'next/navigation';
import { explainFailure } from '../db/schema-check';
import { classifyFailure, logFailure } from './failure';

/** The message to show for a failed render; never returns for a 404 or a bug. */
export async function pageFailure(error: unknown, route: string): Promise<string> {
  const failure = classifyFailure(await explainFailure(error));
  if (failure.status === 404) notFound();
  if (failure.status >= 500 && failure.status !== 503) throw error;
  logFailure(failure, route);
  return failure.message;
}
