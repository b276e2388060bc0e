// Runs once when the Next.js server starts: a wrong or missing environment variable stops it with
// a message naming the variable, instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await import('./instrumentation-node');
}
