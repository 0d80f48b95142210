/**
 * Checks a JSON value against the OpenAPI schema that documents it, both ways: every key the
 * response has is documented, every documented property is there, and types, enums and nullability
 * match. Returns the differences in words (empty when the document describes the response).
 */
interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
}

export function schemaDifferences(value: unknown, schema: Schema, at = "response"): string[] {
  if (value === null) return schema.nullable ? [] : [`${at} is null, but the document does not say it may be`];
  const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  const documented = schema.type === "number" && type === "integer" ? "integer" : schema.type;
  if (documented && documented !== type) return [`${at} is ${type}, documented as ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) return [`${at} is ${JSON.stringify(value)}, not one of the documented ${JSON.stringify(schema.enum)}`];
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => schemaDifferences(v, schema.items!, `${at}[${i}]`)) : [];
  if (type === "object" && schema.properties) {
    const object = value as Record<string, unknown>;
    return [
      ...Object.keys(object).filter((k) => !(k in schema.properties!)).map((k) => `${at}.${k} is not documented`),
      ...Object.keys(schema.properties).filter((k) => !(k in object)).map((k) => `${at}.${k} is documented but not in the response`),
      ...Object.keys(object).filter((k) => k in schema.properties!).flatMap((k) => schemaDifferences(object[k], schema.properties![k], `${at}.${k}`)),
    ];
  }
  return [];
}
