'use client';
// A failure of the root layout itself, which app/error.tsx cannot catch: it replaces the whole
// document, so it brings its own <html> and <body>.
import { BugBanner } from '@/components/BugBanner';
import './globals.css';

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="page">
          <h1>Campaign analytics</h1>
          <BugBanner digest={error.digest} onRetry={reset} />
        </main>
      </body>
    </html>
  );
}
