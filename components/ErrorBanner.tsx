/** A failed request, with the server's message and a way to try again (a reload when server-rendered). */
export function ErrorBanner({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="banner error" role="alert" data-testid="error-banner">
      <span>Could not load the dashboard: {message}</span>
      {onRetry ? <button type="button" onClick={onRetry}>Retry</button> : <a className="button" href="">Retry</a>}
    </div>
  );
}
