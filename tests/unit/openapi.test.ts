// GET /api/openapi.json: an OpenAPI 3.1 document generated from the routes' zod schemas. It lists
// exactly the route handlers under app/api (found by walking the folder and importing each
// route.ts), validates as OpenAPI 3.1 with a maintained validator, its schemas compile as JSON
// Schema 2020-12, and it holds no secret or setting of the server it runs on.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { GET as openApi } from '../../app/api/openapi.json/route';
import { resetEnvCache } from '../../lib/env';
import { openApiDocument } from '../../lib/openapi/document';
import type { OpenApiDocument } from '../../lib/openapi/document-schema';
import { API_ROUTES } from '../../lib/openapi/routes';
import { bearer, hs256Token, openMode, requireSignIn, TEST_JWT_SECRET } from '../support/auth';
import { PROJECT_ROOT } from '../../scripts/lib/migrate';
import { answerValidator } from '../support/openapi';
import { callRoute } from '../support/routes';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const APP = path.join(PROJECT_ROOT, 'app');

/** Every route.ts under app/api, as its URL path in OpenAPI's form (/alerts/rules/{id} for rules/[id]). */
function routeFiles(dir = path.join(APP, 'api')): Array<{ file: string; path: string }> {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    if (entry.name !== 'route.ts') return [];
    return [{ file: full, path: `/${path.relative(APP, dir).split(path.sep).join('/')}`.replace(/\[([^\]]+)\]/g, '{$1}') }];
  });
}

/** 'GET /api/…' for every HTTP method each route module exports. */
async function handlers(): Promise<string[]> {
  const found: string[] = [];
  for (const route of routeFiles()) {
    const module = (await import(pathToFileURL(route.file).href)) as Record<string, unknown>;
    for (const name of Object.keys(module)) {
      if (HTTP_METHODS.includes(name) && typeof module[name] === 'function') found.push(`${name} ${route.path}`);
    }
  }
  return found.sort();
}

function documented(document: OpenApiDocument): string[] {
  return Object.entries(document.paths).flatMap(([route, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${route}`)).sort();
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const before = { ...process.env };
afterEach(() => {
  for (const name of SENTINELS.keys()) {
    if (before[name] === undefined) delete process.env[name];
    else process.env[name] = before[name];
  }
  resetEnvCache();
});

describe('the OpenAPI document', () => {
  it('lists every route handler under app/api, and nothing else', async () => {
    const routes = await handlers();
    expect(routes.length).toBeGreaterThanOrEqual(18);
    expect(routes).toContain('PUT /api/dashboard/alerts/rules/{id}');
    expect(documented(openApiDocument())).toEqual(routes);
  });

  it('gives every operation a unique operationId, and declares each path parameter of its path', () => {
    const document = openApiDocument();
    const ids = API_ROUTES.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [route, item] of Object.entries(document.paths)) {
      const inPath = [...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const [method, operation] of Object.entries(item)) {
        const declared = ((operation as { parameters?: Array<{ name?: string; in?: string }> }).parameters ?? [])
          .filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
        expect({ route, method, declared }).toEqual({ route, method, declared: inPath });
      }
    }
  });

  it('validates as OpenAPI 3.1, with every $ref resolving', async () => {
    const validator = new Validator();
    const result = await validator.validate(clone(openApiDocument()));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('is refused by the same validator when it breaks OpenAPI 3.1 (the check is real)', async () => {
    const broken = clone(openApiDocument()) as unknown as { paths: Record<string, Record<string, { responses: Record<string, { description?: string }> }>> };
    delete broken.paths['/api/dashboard/aggregate']?.get?.responses['200']?.description;
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('has schemas that are valid JSON Schema 2020-12 (Ajv, strict mode)', () => {
    expect(answerValidator(openApiDocument()).compileAll()).toContain('DashboardResponse');
  });

  it('describes the errors\' body ({error, issues?}) for every 4xx and 5xx', () => {
    for (const route of API_ROUTES) {
      for (const [status, answer] of Object.entries(route.responses)) {
        if (Number(status) >= 400) expect({ route: route.path, status, body: answer.body?.name }).toMatchObject({ body: expect.stringMatching(/^(Error|RefreshBusy|RefreshViewsUnavailable)$/) });
      }
    }
  });
});

// Values that must never reach a public document.
const SENTINELS = new Map([
  ['DATABASE_URL', 'postgresql://sentinel-user:sentinel-password@db.sentinel.internal:5432/sentinel'],
  ['MATERIALIZED_VIEWS_REFRESH_TOKEN', 'sentinel-refresh-token-0123456789abcdef0123456789'],
  ['CRON_SECRET', 'sentinel-cron-secret-0123456789abcdef0123456789ab'],
  ['SUPABASE_JWT_SECRET', 'sentinel-jwt-secret-0123456789abcdef0123456789abc'],
  ['SITE_URL', 'https://sentinel-site.example'],
]);

describe('GET /api/openapi.json', () => {
  it('answers 200 with the document as application/json, which clients must revalidate', async () => {
    const response = await openApi();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(await response.json()).toEqual(clone(openApiDocument()));
  });

  it('is public where sign-in is required: the same document without credentials, with a bad token, or signed in', async () => {
    requireSignIn({ jwtSecret: TEST_JWT_SECRET });
    try {
      const anonymous = await callRoute(openApi, '/api/openapi.json');
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual(clone(openApiDocument()));
      expect((await callRoute(openApi, '/api/openapi.json', { headers: bearer('not-a-token') })).status).toBe(200);
      const signedIn = await callRoute(openApi, '/api/openapi.json', { headers: bearer(await hs256Token({ sub: crypto.randomUUID() })) });
      expect(signedIn.body).toEqual(anonymous.body);
    } finally {
      openMode();
    }
  });

  it('is rendered per request, not prerendered at build time', async () => {
    expect((await import('../../app/api/openapi.json/route')).dynamic).toBe('force-dynamic');
  });

  it('holds no secret and no setting of the server', async () => {
    for (const [name, value] of SENTINELS) process.env[name] = value;
    resetEnvCache();
    const { status, body } = await callRoute(openApi, '/api/openapi.json');
    expect(status).toBe(200);
    const text = JSON.stringify(body);
    for (const value of SENTINELS.values()) expect(text).not.toContain(value);
    expect(text).not.toMatch(/sentinel|whsec_[A-Za-z0-9+/]{20}/);
    expect((body as { servers?: unknown }).servers).toBeUndefined();
  });
});
