// Runs once when the Next.js server starts: a wrong or missing environment variable stops it with
// a message naming the variable, instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { parseEnv, EnvError } = await import('./lib/env');
  try {
    parseEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`\n${error.message}\nSee .env.example and the README.\n`);
      process.exit(1);
    }
    throw error;
  }
}
