// Checks answers against the served OpenAPI document with a JSON Schema 2020-12 validator (Ajv), the
// way a client generated from the document would: the status must be documented for that route, and
// the body must match the schema the document gives for it (or be absent where it gives none).
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from '../../lib/openapi/document-schema';

type Json = Record<string, unknown>;

const BASE = 'https://dashboard.test/openapi.json';

/**
 * `closed`: every object of the answers is read as closed (additionalProperties: false where the
 * document leaves it open for future fields), to prove the server sends nothing the document does
 * not describe today.
 */
export function answerValidator(document: OpenApiDocument, options: { closed?: boolean } = {}) {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // Components refer to each other as #/components/schemas/X; Ajv resolves them as #/$defs/X of one schema.
  const defs = JSON.parse(JSON.stringify(document.components.schemas).replaceAll('"#/components/schemas/', '"#/$defs/')) as Json;
  ajv.addSchema({ $id: BASE, $defs: options.closed ? close(defs) : defs });
  const compiled = new Map<string, ValidateFunction>();

  /** The body's schema for one component name. */
  const validatorOf = (name: string): ValidateFunction => {
    let validate = compiled.get(name);
    if (!validate) {
      validate = ajv.compile({ $ref: `${BASE}#/$defs/${name}` });
      compiled.set(name, validate);
    }
    return validate;
  };

  return {
    /** Every component compiles (the document's schemas are valid JSON Schema 2020-12 under Ajv's strict mode). */
    compileAll(): string[] {
      return Object.keys(defs).map((name) => (validatorOf(name), name));
    },
    /** Why an answer breaks the document (an empty list: it matches). */
    problems(method: string, path: string, status: number, body: unknown): string[] {
      const operation = (document.paths[path] as Record<string, Json> | undefined)?.[method.toLowerCase()];
      if (!operation) return [`${method} ${path} is not in the document`];
      const answer = (operation.responses as Record<string, Json>)[String(status)];
      if (!answer) return [`${method} ${path} does not document status ${status}`];
      const content = answer.content as Record<string, { schema: { $ref: string } }> | undefined;
      if (!content) return body === null ? [] : [`${method} ${path} ${status} documents no body, got ${JSON.stringify(body).slice(0, 200)}`];
      const ref = content['application/json']?.schema.$ref ?? '';
      const validate = validatorOf(ref.replace('#/components/schemas/', ''));
      return validate(body) ? [] : (validate.errors ?? []).map(describe);
    },
  };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '(body)'} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}

/** A copy in which every object schema that lists its properties allows no others. */
function close(schema: unknown): Json {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (typeof node !== 'object' || node === null) return node;
    const copy: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, visit(value)]));
    if (copy.type === 'object' && copy.properties && !('additionalProperties' in copy)) copy.additionalProperties = false;
    return copy;
  };
  return visit(schema) as Json;
}
