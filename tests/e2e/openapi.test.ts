// GET /api/openapi.json over HTTP against the production server (`next start`, sign-in required):
// public, JSON, rendered by this build's code on each request rather than a prerendered copy.
import { describe, expect, it, inject } from 'vitest';
import { openApiDocument } from '../../lib/openapi/document';

const url = `${inject('baseUrl')}/api/openapi.json`;

describe('GET /api/openapi.json over HTTP (next start)', () => {
  it('answers without sign-in, as application/json, with the document the code generates', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('is not a prerendered copy that shared caches may keep: revalidated on each use', async () => {
    const response = await fetch(url);
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(response.headers.get('x-nextjs-cache')).toBeNull();
    expect(response.headers.get('x-nextjs-prerender')).toBeNull();
  });

  it('passes through the proxy like every page and route (its security headers are set)', async () => {
    const response = await fetch(url);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
