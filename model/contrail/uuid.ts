// The uuid text form every Contrail object is addressed by (8-4-4-4-12 lower-case hex, as the API
// server writes `str(uuid.UUID(...))`). The one home for the pattern; pure.

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}
