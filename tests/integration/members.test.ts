// npm run members: membership from the command line, on a plain Postgres (user ids) and with
// Supabase's auth.users (emails), against the real Postgres of the test run.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';
import { addMember, listMembers, MemberError, removeMember } from '../../scripts/lib/members';
import { connect, databaseUrl, uniqueWorkspace } from '../support/db';

const run = promisify(execFile);
let client: pg.Client;

beforeAll(async () => {
  client = await connect();
});
afterAll(async () => {
  await client?.end();
});

const roleOf = async (workspace: string, user: string) =>
  (await client.query('select role from public.workspace_members where workspace_id = $1 and user_id = $2', [workspace, user])).rows[0]?.role as string | undefined;

describe('workspace membership (scripts/lib/members.ts)', () => {
  it('on a plain Postgres, adds a user id, changes its role, lists and removes it', async () => {
    const ws = uniqueWorkspace('members');
    const user = randomUUID();
    expect((await addMember(client, user, ws, 'viewer')).created).toBe(true);
    expect(await roleOf(ws, user)).toBe('viewer');
    expect((await addMember(client, user.toUpperCase(), ws, 'admin')).created).toBe(false);
    expect(await roleOf(ws, user)).toBe('admin');
    expect((await listMembers(client, ws)).map((m) => [m.user_id, m.role])).toEqual([[user, 'admin']]);
    expect(await removeMember(client, user, ws)).toBe(true);
    expect(await roleOf(ws, user)).toBeUndefined();
  });

  it('on a plain Postgres, refuses an email (no auth.users) and anything that is neither', async () => {
    await expect(addMember(client, 'someone@example.com', 'acme', 'viewer')).rejects.toThrow(/no auth.users table.*user id/);
    await expect(addMember(client, 'someone', 'acme', 'viewer')).rejects.toBeInstanceOf(MemberError);
  });

  it('with Supabase\'s auth.users, resolves an email and refuses an unknown user', async () => {
    const ws = uniqueWorkspace('members-auth');
    const user = randomUUID();
    await client.query('begin');
    try {
      await client.query('create schema auth');
      await client.query('create table auth.users (id uuid primary key, email text, email_confirmed_at timestamptz)');
      await client.query('insert into auth.users values ($1, $2, now())', [user, 'Teammate@Example.com']);
      const added = await addMember(client, 'teammate@example.com', ws, 'viewer');
      expect(added).toMatchObject({ id: user, email: 'Teammate@Example.com', created: true });
      expect((await listMembers(client, ws))[0]?.email).toBe('Teammate@Example.com');
      await expect(addMember(client, 'nobody@example.com', ws, 'viewer')).rejects.toThrow(/No Supabase Auth user has the email/);
      await expect(addMember(client, randomUUID(), ws, 'viewer')).rejects.toThrow(/No Supabase Auth user has the id/);
    } finally {
      await client.query('rollback');
    }
  });
});

describe('members whose email is not confirmed (Supabase\'s auth.users)', () => {
  /** Supabase's table, as far as membership reads it; created and dropped around each test. */
  async function withAuthUsers(rows: Array<{ id: string; email: string; confirmed: boolean }>, fn: () => Promise<void>, commit = false) {
    await client.query('begin');
    try {
      await client.query('create schema auth');
      await client.query('create table auth.users (id uuid primary key, email text, email_confirmed_at timestamptz)');
      for (const row of rows) await client.query('insert into auth.users values ($1, $2, $3)', [row.id, row.email, row.confirmed ? new Date() : null]);
      if (commit) await client.query('commit');
      await fn();
    } finally {
      if (commit) await client.query('drop schema auth cascade');
      else await client.query('rollback');
    }
  }

  it('refuses a user who never confirmed their address (anyone can sign up with someone else\'s), by email or id, unless told', async () => {
    const ws = uniqueWorkspace('unconfirmed');
    const user = randomUUID();
    await withAuthUsers([{ id: user, email: 'ceo@example.com', confirmed: false }], async () => {
      await expect(addMember(client, 'ceo@example.com', ws, 'admin')).rejects.toThrow(/has not confirmed.*--unconfirmed/);
      await expect(addMember(client, user, ws, 'admin')).rejects.toThrow(/has not confirmed/);
      expect(await roleOf(ws, user)).toBeUndefined();
      expect((await addMember(client, 'ceo@example.com', ws, 'viewer', { unconfirmed: true })).created).toBe(true);
      expect(await roleOf(ws, user)).toBe('viewer');
    });
  });

  it('npm run members -- add refuses an unconfirmed email (exit 1) and adds it with --unconfirmed', async () => {
    const ws = uniqueWorkspace('unconfirmed-cli');
    const user = randomUUID();
    const members = (...args: string[]) => run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/members.ts', ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl() }, timeout: 120_000,
    });
    await withAuthUsers([{ id: user, email: 'pending@example.com', confirmed: false }], async () => {
      await expect(members('add', 'pending@example.com', ws)).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/has not confirmed/) });
      const { stdout } = await members('add', 'pending@example.com', ws, '--unconfirmed');
      expect(stdout).toContain(`Added pending@example.com (${user}) as viewer of ${ws}.`);
    }, true);
  });
});

describe('npm run members', () => {
  const members = (...args: string[]) =>
    run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/members.ts', ...args], {
      cwd: PROJECT_ROOT, env: { ...process.env, DATABASE_URL: databaseUrl() }, timeout: 120_000,
    });

  it('adds a member as admin and says so; usage errors exit 2', async () => {
    const ws = uniqueWorkspace('cli');
    const user = randomUUID();
    const { stdout } = await members('add', user, ws, '--role', 'admin');
    expect(stdout).toContain(`Added ${user} (${user}) as admin of ${ws}.`);
    expect(await roleOf(ws, user)).toBe('admin');
    await expect(members('add', user)).rejects.toMatchObject({ code: 2 });
    await expect(members('add', user, ws, '--role', 'owner')).rejects.toMatchObject({ code: 2 });
    await expect(members('add', 'not-a-user', ws)).rejects.toMatchObject({ code: 1 });
  });
});
