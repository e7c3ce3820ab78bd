// Identifier sources: random uuid4 for API clients that send none, and name-based uuid5 for
// objects whose identity must survive a controller restart.

import { createHash, randomUUID } from 'node:crypto';

export type IdSource = () => string;

export const randomIds: IdSource = () => randomUUID();

export { isUuid } from '@model/contrail/uuid.ts';

/** RFC 4122 version-5 uuid of `name` in the `namespace` uuid. */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A deterministic id source for tests: 00000000-0000-4000-8000-000000000001, …02, … */
export function sequentialIds(prefix = '00000000-0000-4000-8000-'): IdSource {
  let n = 0;
  return () => `${prefix}${(++n).toString(16).padStart(12, '0')}`;
}
