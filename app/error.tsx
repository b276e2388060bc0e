'use client';
// An unexpected failure while rendering the page: say so plainly and offer to try again.
import { ErrorBanner } from '@/components/ErrorBanner';

export default function PageError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="page">
      <h1>Campaign analytics</h1>
      <ErrorBanner message="something went wrong on our side. The details are in the server log." onRetry={reset} />
    </main>
  );
}
