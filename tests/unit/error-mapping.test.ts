// The error mapper recognises our errors by brand, not by class: in the production bundle an error can
// come from another copy of its class (one per bundle), and `instanceof` then fails (500 instead of 503).
// vi.resetModules() gives a second copy of each module here, as the bundler does.
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as errors from '../../lib/http/errors';
import * as mapper from '../../lib/http/respond';
import * as store from '../../lib/db/store';

async function secondCopies() {
  vi.resetModules();
  const [httpErrors, db, env, schema] = await Promise.all([
    import('../../lib/http/errors'), import('../../lib/db/store'), import('../../lib/env'), import('../../lib/db/schema-version'),
  ]);
  return { httpErrors, db, env, schema };
}

describe('errorResponse with errors from another copy of their module', () => {
  it('maps a StoreUnavailableError to 503 with Retry-After', async () => {
    const { db } = await secondCopies();
    const error = new db.StoreUnavailableError('The database is unavailable.', { function: 'dashboard_aggregate', cause: 'ECONNREFUSED' });
    expect(error instanceof store.StoreUnavailableError).toBe(false);
    expect(store.isStoreUnavailableError(error)).toBe(true);
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = mapper.errorResponse(error, 'GET /test');
    expect(String(log.mock.calls[0]?.[0])).toContain('"event":"database_unavailable"');
    log.mockRestore();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toEqual({ error: 'The database is unavailable.' });
  });

  it('maps a SchemaOutOfStepError to 503 with Retry-After, the message and the versions', async () => {
    const { schema } = await secondCopies();
    const error = new schema.SchemaOutOfStepError({ kind: 'behind', app: '20251223000001', database: null, command: 'npm run migrate' });
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = mapper.errorResponse(error, 'GET /test');
    expect(String(log.mock.calls[0]?.[0])).toContain('"event":"schema_out_of_step"');
    log.mockRestore();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toMatchObject({ error: expect.stringMatching(/migration 20251223000001 is missing.*`npm run migrate`/), schema: { state: 'behind' } });
  });

  it('keeps an HttpError\'s status, body and headers', async () => {
    const { httpErrors } = await secondCopies();
    const issues = [{ parameter: 'source', message: 'source=raw is for workspace admins' }];
    const error = new httpErrors.HttpError(403, 'source=raw is for workspace admins.', { issues }, { 'Retry-After': '15' });
    expect(error instanceof errors.HttpError).toBe(false);
    const response = mapper.errorResponse(error, 'GET /test');
    expect(response.status).toBe(403);
    expect(response.headers.get('retry-after')).toBe('15');
    expect(await response.json()).toEqual({ error: 'source=raw is for workspace admins.', issues });
  });

  it('answers 503 naming the variable for an EnvError', async () => {
    const { env } = await secondCopies();
    const error = new env.EnvError(['CRON_SECRET'], 'Invalid environment');
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = mapper.errorResponse(error, 'GET /test');
    log.mockRestore();
    expect(response.status).toBe(503);
    expect((await response.json()).error).toContain('CRON_SECRET');
  });

  it('answers 503 for a database reply of the wrong shape (zod), 500 for anything else', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const shape = z.object({ n: z.number() }).safeParse({ n: 'x' });
    expect(mapper.errorResponse(shape.error, 'GET /test').status).toBe(503);
    // A look-alike is not one of ours: a plain Error named like our class, or an object with a kind.
    const impostor = Object.assign(new Error('The database is unavailable.'), { name: 'StoreUnavailableError', kind: 'store-unavailable' });
    expect(mapper.errorResponse(impostor, 'GET /test').status).toBe(500);
    expect(mapper.errorResponse('a string', 'GET /test').status).toBe(500);
    log.mockRestore();
  });
});

describe('errorResponse', () => {
  it('sends only the error body the OpenAPI document publishes ({error, issues?, schema?})', async () => {
    const smuggled = { issues: [], stack: 'at secret.ts:1' } as unknown as ConstructorParameters<typeof errors.HttpError>[2];
    const response = mapper.errorResponse(new errors.HttpError(400, 'Invalid x: y', smuggled), 'GET /test');
    expect(await response.json()).toEqual({ error: 'Invalid x: y', issues: [] });
  });
});
