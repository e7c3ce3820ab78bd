// Defensive readers for config objects as JSON from any config API (embedded or a real
// contrail-api): a missing or wrongly typed field reads as empty, never throws.

export type JsonObject = Record<string, unknown>;

/** A struct property such as `loadbalancer_properties`, or `{}` when it is absent or not an object. */
export function propertyStruct(obj: JsonObject, key: string): JsonObject {
  const value = obj[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** The value of `key` in a KeyValuePairs property (`annotations` by default). */
export function keyValue(obj: JsonObject, key: string, property = 'annotations'): string | undefined {
  const pairs = propertyStruct(obj, property).key_value_pair;
  if (!Array.isArray(pairs)) return undefined;
  const pair = (pairs as JsonObject[]).find((p) => p?.key === key);
  return typeof pair?.value === 'string' ? pair.value : undefined;
}
