// The OpenAPI 3.1 document of the HTTP API (GET /api/openapi.json), generated from the zod schemas
// the routes parse their requests and answers with (listed in lib/openapi/routes.ts) by zod's own
// JSON Schema output (draft 2020-12, OpenAPI 3.1's dialect). No JSON Schema is written by hand, so
// the document cannot drift from what the routes accept and send. Pure: no environment, no database,
// no request; every caller gets the same document.
import { z } from 'zod';
import packageJson from '../../package.json';
import { openApiDocumentSchema, type OpenApiDocument } from './document-schema';
import { API_ROUTES, INPUT, OUTPUT, type ApiResponse, type ApiRoute, type Component, type ResponseHeader, type SecurityScheme } from './routes';

type JsonSchema = Record<string, unknown>;

const TARGET = 'draft-2020-12';
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * zod emits additionalProperties: false for every object it knows all the keys of; the answers'
 * objects are open instead (the contract: extra fields may be added, none renamed or removed).
 * Request bodies built with z.strictObject stay closed: the routes refuse unknown fields.
 */
function openAnswerObjects({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void {
  const def = zodSchema._zod.def;
  if (def.type === 'object' && def.catchall === undefined) delete jsonSchema.additionalProperties;
}

/** Each component as JSON Schema, referring to the others by $ref where one holds another. */
function componentSchemas(components: Component[], io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  const named = new Map<z.ZodType, string>();
  for (const { name, schema } of components) {
    const known = named.get(schema);
    if (known === name) continue;
    if (known) throw new Error(`One schema has two names in the OpenAPI document: ${known} and ${name}`);
    named.set(schema, name);
    registry.add(schema, { id: name });
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: TARGET, io, uri: (id) => schemaRef(id).$ref, ...(io === 'output' ? { override: openAnswerObjects } : {}),
  });
  if ('__shared' in schemas) throw new Error('A schema of the API is recursive or shared without a name: give it one in lib/openapi/routes.ts');
  // $schema and $id belong to standalone schemas; inside the document, components are found by $ref.
  return Object.fromEntries(Object.entries(schemas).map(([name, { $schema: _dialect, $id: _id, ...schema }]) => [name, schema]));
}

/** One field's JSON Schema, inlined (a parameter's). */
function inline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: TARGET, io });
  return json;
}

function parameters(route: ApiRoute): JsonSchema[] {
  const list: JsonSchema[] = [];
  for (const [location, object] of [['path', route.params], ['query', route.query]] as const) {
    for (const [name, field] of Object.entries(object?.shape ?? {})) {
      const { description, ...schema } = inline(field, 'input');
      list.push({ name, in: location, required: location === 'path' || !field.safeParse(undefined).success, ...(description ? { description } : {}), schema });
    }
  }
  if (route.conditional) list.push({ $ref: '#/components/parameters/IfNoneMatch' });
  return list;
}

function response({ description, body, headers = [] }: ApiResponse): JsonSchema {
  return {
    description,
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers.map((name) => [name, { $ref: `#/components/headers/${name}` }])) } : {}),
    ...(body ? { content: { 'application/json': { schema: schemaRef(body.name) } } } : {}),
  };
}

function operation(route: ApiRoute): JsonSchema {
  const listed = parameters(route);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    security: route.security,
    ...(listed.length > 0 ? { parameters: listed } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaRef(route.body.name) } } } } : {}),
    responses: Object.fromEntries(Object.entries(route.responses).map(([status, answer]) => [status, response(answer)])),
  };
}

const header = (description: string, schema: z.ZodType) => ({ description, schema: inline(schema, 'output') });

const HEADERS: Record<ResponseHeader, JsonSchema> = {
  'ETag': header('The answer\'s entity tag: send it back in If-None-Match to get a 304 while the answer is unchanged.', z.string()),
  'Cache-Control': header('private, max-age=0, must-revalidate for dashboard answers (revalidate with the ETag); no-store for alerts, refreshes and errors that must not be kept; '
    + 'public, no-cache for this document.', z.string()),
  'Retry-After': header('Seconds to wait before asking again.', z.string().regex(/^\d+$/)),
  'WWW-Authenticate': header('Bearer, with error="invalid_token" for a bad token or error="insufficient_user_authentication" when multi-factor authentication is required.', z.string()),
};

const SECURITY_SCHEMES: Record<SecurityScheme, JsonSchema> = {
  accessToken: {
    type: 'http', scheme: 'bearer', bearerFormat: 'JWT',
    description: 'A Supabase Auth access token (Authorization: Bearer <token>) of a member of the workspace. Without sign-in (a server on a private network), no credentials are needed.',
  },
  sessionCookie: {
    type: 'apiKey', in: 'cookie', name: 'sb-<project-ref>-auth-token',
    description: 'The Supabase Auth cookie session the sign-in page sets (@supabase/ssr; long sessions are split into .0, .1, … cookies). '
      + 'State-changing requests with it must come from the dashboard\'s own site.',
  },
  refreshToken: {
    type: 'apiKey', in: 'header', name: 'x-refresh-token',
    description: 'The operator\'s refresh token (the server\'s MATERIALIZED_VIEWS_REFRESH_TOKEN).',
  },
  cronSecret: {
    type: 'http', scheme: 'bearer',
    description: 'Authorization: Bearer <CRON_SECRET>, as Vercel Cron sends it.',
  },
};

const TAGS = [
  { name: 'Dashboard', description: 'A workspace\'s figures, computed in Postgres over local days of its time zone.' },
  { name: 'Time zones', description: 'The one IANA zone of each workspace.' },
  { name: 'Alerts', description: 'Rules evaluated after each refresh, and the channels they notify.' },
  { name: 'Refresh', description: 'Bringing the pre-aggregated views up to date, and how fresh they are.' },
  { name: 'Meta', description: 'This document.' },
];

function buildDocument(): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  const answers = [...Object.values(OUTPUT), ...API_ROUTES.flatMap((route) => Object.values(route.responses).flatMap((answer) => (answer.body ? [answer.body] : [])))];
  const bodies = [...Object.values(INPUT), ...API_ROUTES.flatMap((route) => (route.body ? [route.body] : []))];
  const output = componentSchemas(answers, 'output');
  const input = componentSchemas(bodies, 'input');
  const clash = Object.keys(input).find((name) => name in output);
  if (clash) throw new Error(`${clash} names both a request body and an answer in the OpenAPI document`);
  return openApiDocumentSchema.parse({
    openapi: '3.1.0',
    info: {
      title: 'Campaign analytics dashboard API',
      version: packageJson.version,
      description: 'Email campaign and LLM cost analytics per workspace. Errors are JSON: {"error": "…"} with `issues` '
        + '([{parameter, message}]) on a 400 naming each bad parameter. Generated from the zod schemas the routes validate with.',
    },
    tags: TAGS,
    paths,
    components: {
      schemas: { ...output, ...input },
      parameters: {
        IfNoneMatch: {
          name: 'If-None-Match', in: 'header', required: false, schema: inline(z.string(), 'input'),
          description: 'The ETag of the answer the client holds: a 304 without a body while it is still current.',
        },
      },
      headers: HEADERS,
      securitySchemes: SECURITY_SCHEMES,
    },
  });
}

/** Clients may keep the document but must ask again before reuse: it changes with each deployment. */
export const OPENAPI_CACHE_CONTROL = 'public, no-cache';

let built: OpenApiDocument | undefined;

/** The document (built once per process: it depends on nothing but the code). */
export function openApiDocument(): OpenApiDocument {
  built ??= buildDocument();
  return built;
}
