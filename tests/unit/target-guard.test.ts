// The guard of the commands that insert, truncate or migrate: a database elsewhere than this machine
// needs --yes, and is named as host/dbname, never with its password.
import { describe, expect, it } from 'vitest';
import { isUsageError } from '../../scripts/lib/cli';
import { databaseName, isLocalDatabase, refuseRemoteWrite } from '../../scripts/lib/target-guard';

const REMOTE = 'postgresql://admin:s3cret-pa55@db.abcdefgh.supabase.co:5432/postgres?sslmode=require';

describe('isLocalDatabase', () => {
  it.each([
    'postgresql://postgres:postgres@127.0.0.1:54329/dashboard',
    'postgres://u:p@localhost/db',
    'postgresql://u:p@LOCALHOST:5432/db',
    'postgresql://u:p@127.0.0.2/db',
    'postgresql://u:p@[::1]:5432/db',
    'postgresql:///db?host=/var/run/postgresql',
  ])('%s is on this machine', (url) => {
    expect(isLocalDatabase(url)).toBe(true);
  });

  it.each([
    REMOTE,
    'postgresql://u:p@10.0.0.5/db',
    'postgresql://u:p@localhost.example.com/db',
    'postgresql://u:p@127.0.0.1.example.com/db',
    'postgresql:///db?host=db.internal',
    'not a url',
  ])('%s is not', (url) => {
    expect(isLocalDatabase(url)).toBe(false);
  });
});

describe('databaseName', () => {
  it('is host/dbname, without user, password, port or parameters', () => {
    expect(databaseName(REMOTE)).toBe('db.abcdefgh.supabase.co/postgres');
    expect(databaseName('postgresql:///dash%20board?host=/tmp')).toBe('/tmp/dash board');
    expect(databaseName('nonsense')).toBe('(an unparseable DATABASE_URL)');
  });
});

describe('refuseRemoteWrite', () => {
  it('refuses a remote database without --yes, naming it and not its password', () => {
    let refusal: unknown;
    try {
      refuseRemoteWrite(REMOTE, { yes: false, action: 'seed' });
    } catch (error) {
      refusal = error;
    }
    expect(isUsageError(refusal)).toBe(true);
    const message = refusal instanceof Error ? refusal.message : '';
    expect(message).toContain('Refusing to seed db.abcdefgh.supabase.co/postgres');
    expect(message).toContain('--yes');
    expect(message).not.toContain('s3cret-pa55');
    expect(message).not.toContain('admin');
  });

  it('lets --yes through, and a local database without it', () => {
    expect(() => refuseRemoteWrite(REMOTE, { yes: true, action: 'seed' })).not.toThrow();
    expect(() => refuseRemoteWrite('postgresql://postgres:postgres@127.0.0.1:5432/dashboard', { yes: false, action: 'migrate' })).not.toThrow();
  });
});
