'use client';
// An unexpected failure while rendering the page (a bug: the expected ones, such as the database
// down or out of step, are explained by the page itself). The digest is the reference of the server
// log's unhandled_error line (instrumentation.ts); nothing else of the error reaches the browser.
import { BugBanner } from '@/components/BugBanner';

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="page">
      <h1>Campaign analytics</h1>
      <BugBanner digest={error.digest} onRetry={reset} />
    </main>
  );
}
