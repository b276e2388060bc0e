// The outline of an OpenAPI 3.1 document, as GET /api/openapi.json answers it: enough for the
// document to describe its own route. Whether it is valid OpenAPI is the OpenAPI 3.1 schema's job
// (tests/unit/openapi.test.ts checks it with a validator).
import { z } from 'zod';

export const openApiDocumentSchema = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  components: z.looseObject({ schemas: z.record(z.string(), z.unknown()) }),
}).meta({ description: 'An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).' });
export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;
