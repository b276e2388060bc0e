// Workspace membership from the command line and the dev launcher: who may read which workspace
// (public.workspace_members). On Supabase a user is named by email (looked up in auth.users) or id;
// on a plain Postgres, which has no auth.users, by id (the sub of the user's access tokens).
import type pg from 'pg';

export type Role = 'viewer' | 'admin';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class MemberError extends Error {}

async function hasAuthUsers(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query(`select to_regclass('auth.users') is not null as present`);
  return rows[0].present as boolean;
}

interface AuthUser {
  id: string;
  email: string | null;
  /** False when Supabase Auth has no proof the address belongs to the user (email_confirmed_at is null). */
  confirmed: boolean;
}

/** The user id for an email or an id (checked against auth.users when the database has it). */
async function resolveUser(client: pg.ClientBase, who: string): Promise<AuthUser> {
  const withAuth = await hasAuthUsers(client);
  const columns = 'id::text, email, email_confirmed_at is not null as confirmed';
  if (UUID.test(who)) {
    if (!withAuth) return { id: who.toLowerCase(), email: null, confirmed: true };
    const { rows } = await client.query<AuthUser>(`select ${columns} from auth.users where id = $1`, [who]);
    if (!rows[0]) throw new MemberError(`No Supabase Auth user has the id ${who}.`);
    return rows[0];
  }
  if (!who.includes('@')) throw new MemberError(`"${who}" is neither an email address nor a user id (uuid).`);
  if (!withAuth) {
    throw new MemberError('This database has no auth.users table (it is not a Supabase database): give the user id (uuid, the sub of their access token) instead of an email.');
  }
  const { rows } = await client.query<AuthUser>(`select ${columns} from auth.users where lower(email) = lower($1)`, [who]);
  if (!rows[0]) throw new MemberError(`No Supabase Auth user has the email ${who}: invite them first (Authentication → Users → Invite).`);
  return rows[0];
}

/**
 * Adds a member, or changes the role of an existing one. An unconfirmed address is refused unless
 * `unconfirmed`: with sign-ups open, anyone can create a user under someone else's address, and
 * granting that user a workspace would hand it to them.
 */
export async function addMember(
  client: pg.ClientBase, who: string, workspaceId: string, role: Role, options: { unconfirmed?: boolean } = {},
): Promise<{ id: string; email: string | null; created: boolean }> {
  if (workspaceId === '') throw new MemberError('The workspace must not be empty.');
  const { confirmed, ...user } = await resolveUser(client, who);
  if (!confirmed && !options.unconfirmed) {
    throw new MemberError(`${user.email ?? user.id} has not confirmed their email address (no email_confirmed_at in auth.users; an invite not yet accepted, or a sign-up anyone could have made). Add them once they have, or pass --unconfirmed if you know the account is theirs.`);
  }
  const { rows } = await client.query(
    `insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, $3)
     on conflict (workspace_id, user_id) do update set role = excluded.role
     returning (xmax = 0) as created`,
    [workspaceId, user.id, role],
  );
  return { ...user, created: rows[0].created as boolean };
}

export async function removeMember(client: pg.ClientBase, who: string, workspaceId: string): Promise<boolean> {
  const user = await resolveUser(client, who);
  const { rowCount } = await client.query('delete from public.workspace_members where workspace_id = $1 and user_id = $2', [workspaceId, user.id]);
  return (rowCount ?? 0) > 0;
}

export interface MemberRow {
  workspace_id: string;
  user_id: string;
  email: string | null;
  role: Role;
  created_at: string;
}

export async function listMembers(client: pg.ClientBase, workspaceId?: string): Promise<MemberRow[]> {
  const email = (await hasAuthUsers(client)) ? '(select u.email from auth.users u where u.id = m.user_id)' : 'null::text';
  const { rows } = await client.query(
    `select m.workspace_id, m.user_id::text, ${email} as email, m.role, to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at
     from public.workspace_members m
     where $1::text is null or m.workspace_id = $1
     order by m.workspace_id collate "C", m.role, m.user_id`,
    [workspaceId ?? null],
  );
  return rows as MemberRow[];
}
