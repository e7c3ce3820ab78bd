// What the cluster's parts share: the store, its indexes, the allocators, time, ids and the
// event recorder, plus the few helpers every part needs (new metadata, timestamps).

import type { Clock } from '@server/clock.ts';
import type { IdSource } from '@server/ids.ts';
import type { ObjectMeta } from '@model/kubernetes/types.ts';
import type { Allocators } from './allocators.ts';
import type { ClusterIndexes } from './indexes.ts';
import type { ObjectStore } from './object-store.ts';

export interface EventSink {
  record(
    involved: { kind: string; apiVersion: string; metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'uid'> },
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ): void;
}

export interface ClusterContext {
  readonly store: ObjectStore;
  readonly indexes: ClusterIndexes;
  readonly allocators: Allocators;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly events: EventSink;
}

/** uuid5 namespace of uids the cluster derives (ReplicaSets, EndpointSlices, Events) rather than draws. */
export const DERIVED_UID_NAMESPACE = '6f1d3c55-2f4e-5b1e-9a57-5c0b6f7e1d21';

/** RFC 3339 at second precision, as metav1.Time marshals. */
export const timestamp = (clock: Clock) => new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Kubernetes' name-suffix alphabet (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusables). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function encodeSuffix(value: number, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out += SUFFIX_ALPHABET[v % SUFFIX_ALPHABET.length];
    v = Math.floor(v / SUFFIX_ALPHABET.length);
  }
  return out;
}

/** Structural equality of JSON values, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameJson(v, bb[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra).filter((k) => ra[k] !== undefined);
  if (keys.length !== Object.keys(rb).filter((k) => rb[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(rb, k) && sameJson(ra[k], rb[k]));
}
