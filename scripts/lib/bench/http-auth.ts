// The benchmark signs in like a real caller: `next start` verifies an HS256 access token minted
// here with a secret made for this run, and the bench user is made an admin of the workspace it
// reads (raw needs an admin), so the HTTP figures include the token check and the membership check.
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type pg from 'pg';
import { addMember } from '../members';

export interface BenchAuth {
  /** Environment for `next start`. */
  env: Record<string, string>;
  /** Makes the bench user an admin of the workspace and returns the request headers to send. */
  headersFor: (client: pg.ClientBase, workspace: string) => Promise<Record<string, string>>;
}

export function benchAuth(): BenchAuth {
  const secret = randomBytes(32).toString('hex');
  const userId = randomUUID();
  return {
    env: { SUPABASE_JWT_SECRET: secret },
    async headersFor(client, workspace) {
      await addMember(client, userId, workspace, 'admin');
      const token = await new SignJWT({ role: 'authenticated', email: 'bench@example.com' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setAudience('authenticated')
        .setIssuedAt()
        .setExpirationTime('12h')
        .sign(new TextEncoder().encode(secret));
      return { authorization: `Bearer ${token}` };
    },
  };
}
