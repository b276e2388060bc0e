import { ErrorBanner } from './ErrorBanner';

/** A bug while rendering: no detail, only the digest that finds the server log's unhandled_error line. */
export function BugBanner({ digest, onRetry }: { digest?: string; onRetry: () => void }) {
  const reference = digest ? ` (reference ${digest})` : '';
  return <ErrorBanner message={`something went wrong on our side. The details are in the server log${reference}.`} onRetry={onRetry} />;
}
