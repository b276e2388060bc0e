// The production server checks its environment once, at start-up, and names what is wrong.
import { describe, expect, it } from 'vitest';
import { startNextServer } from '../../scripts/lib/next-server';

describe('next start', () => {
  it('refuses to start without a database, naming the variables to set', async () => {
    const attempt = startNextServer({ DATABASE_URL: '', SUPABASE_URL: '', SUPABASE_SERVICE_ROLE_KEY: '' });
    await expect(attempt).rejects.toThrow(/DATABASE_URL.*SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY/s);
  });

  it('refuses a refresh token shorter than 32 characters without printing it', async () => {
    const attempt = startNextServer({ DATABASE_URL: 'postgresql://u:p@127.0.0.1:1/db', MATERIALIZED_VIEWS_REFRESH_TOKEN: 'too-short-secret' });
    await expect(attempt).rejects.toThrow(/MATERIALIZED_VIEWS_REFRESH_TOKEN must be at least 32 characters/);
    await expect(attempt).rejects.not.toThrow(/too-short-secret/);
  });
});
