// Start-up checks of the Node.js server (see instrumentation.ts).
import { EnvError, parseEnv } from './lib/env';

try {
  parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(`\n${error.message}\nSee .env.example and the README.\n`);
    process.exit(1);
  }
  throw error;
}
