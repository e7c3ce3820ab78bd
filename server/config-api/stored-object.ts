// The shapes the config store keeps and announces: one immutable record per Contrail object, the
// change events of its feed, and the read-only view the write rules and list selection work
// against. Types only; no behaviour.

import type { ObjectType } from '@model/contrail/schema.ts';
import type { PermType } from '@model/contrail/types.ts';

export interface StoredRef {
  readonly uuid: string;
  readonly attr: unknown;
}

/** One tenant an object is shared with (`ShareType`): `tenant` is `[<share type>:]<uuid>`. */
export interface Share {
  readonly tenant: string;
  readonly tenantAccess: number;
}

/** `perms2` (PermType2), kept in full: owner, owner_access, global_access, share. */
export interface Perms2 {
  readonly owner: string;
  readonly ownerAccess: number;
  readonly globalAccess: number;
  readonly share: readonly Share[];
}

/** One config object as stored. Immutable: an update replaces it. */
export interface StoredObject {
  readonly type: ObjectType;
  readonly uuid: string;
  readonly fqName: readonly string[];
  /** fq_name joined with ':' (names may not contain ':'). */
  readonly fqKey: string;
  readonly parent: { readonly type: ObjectType; readonly uuid: string } | null;
  readonly displayName: string;
  /** Set properties only, as given by the writer (typed values normalised); unset ones are absent. */
  readonly props: Readonly<Record<string, unknown>>;
  /** Per target type, sorted by target uuid (the column order contrail-api reads them in). */
  readonly refs: ReadonlyMap<ObjectType, readonly StoredRef[]>;
  /** Annotation pairs sorted by key, as Cassandra's map columns return them; null when never set. */
  readonly annotations: readonly { readonly key: string; readonly value: string }[] | null;
  readonly idPerms: {
    readonly enable: boolean;
    readonly description: string | null;
    readonly creator: string | null;
    readonly userVisible: boolean;
    readonly permissions: PermType;
  };
  readonly perms2: Perms2;
  readonly created: string;
  readonly lastModified: string;
  /** Creation order, used to render children lists as Contrail does. */
  readonly seq: number;
  /**
   * ListProperty fields edited element by element (`/prop-collection-update`): each element's
   * Cassandra position, parallel to the stored list. Absent: positions `0`, `1`, … as written.
   */
  readonly listPositions?: Readonly<Record<string, readonly string[]>>;
}

export type ChangeEvent =
  | { readonly kind: 'create'; readonly object: StoredObject }
  | { readonly kind: 'update'; readonly object: StoredObject; readonly previous: StoredObject }
  | { readonly kind: 'delete'; readonly object: StoredObject };

export type ChangeListener = (event: ChangeEvent) => void;

/** What a writer sends: the body of `POST /<type>s` or `PUT /<type>/<uuid>` (inner object). */
export type ObjectBody = Record<string, unknown>;

/** The indexed reads that the write rules, list selection and address management rely on. */
export interface StoreView {
  get(uuid: string): StoredObject | undefined;
  uuidOf(type: ObjectType, fqName: readonly string[]): string | undefined;
  /** Child objects of one type under a parent, in creation order. */
  children(parentUuid: string, childType: ObjectType): StoredObject[];
  /** Child uuids of one type under a parent, in creation order, without materialising objects. */
  childUuids(parentUuid: string, childType: ObjectType): ReadonlySet<string> | undefined;
  /** Objects of `sourceType` that reference `targetUuid`, with the link attribute, by source uuid. */
  backRefs(targetUuid: string, sourceType: ObjectType): { object: StoredObject; attr: unknown }[];
  /** Per referring type, the sorted uuids of the objects that reference `targetUuid`. */
  referrers(targetUuid: string): Iterable<[ObjectType, readonly string[]]>;
}
