import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Two validators: query strings, params and headers arrive as text and are coerced to the declared
 * types; JSON bodies are validated as sent, so `"interests": "x"` is an error rather than `["x"]`.
 * Unknown body fields are refused (never silently dropped) so a client cannot believe it set a role.
 */
function build(options: Options): Ajv {
  const ajv = new Ajv({
    removeAdditional: false,
    useDefaults: true,
    allErrors: false,
    strict: false,
    ...options,
  });
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = build({ coerceTypes: false });
const textAjv = build({ coerceTypes: 'array' });

export function validatorCompiler({ schema, httpPart }: { schema: object; httpPart?: string }) {
  return (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
}

/** Compiles a schema for a JSON payload that arrives outside HTTP (socket events): no coercion. */
export function compilePayloadSchema(schema: object) {
  return bodyAjv.compile(schema);
}
