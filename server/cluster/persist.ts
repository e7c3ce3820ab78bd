// Saves the embedded cluster into a journal and reads it back: one record per object, keyed by
// kind, namespace and name, plus the resourceVersion counter, so a restart resumes the same
// objects (uids, resourceVersions, generated names) instead of replaying the scenario. The
// journal is any key/value sink (server/persistence provides one); nothing here knows which.

import { KINDS, type Kind, type KubeObject } from '@model/kubernetes/types.ts';
import type { Cluster } from './cluster.ts';
import type { StoreSnapshot } from './object-store.ts';

/** Where saved records go, and where they are read back from. */
export interface ClusterJournal {
  entries(): Iterable<readonly [string, unknown]>;
  put(key: string, value: unknown): void;
  remove(key: string): void;
}

/** Record layout version, so a later change can read or refuse older records. */
const RECORD_VERSION = 1;
const COUNTER_KEY = 'resourceVersion';
const OBJECT_PREFIX = 'o/';
const KNOWN_KINDS: ReadonlySet<string> = new Set(KINDS);

const recordKey = (o: KubeObject) =>
  `${OBJECT_PREFIX}${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** The saved cluster, or a description of the first record that cannot be read. */
export function readClusterSnapshot(journal: ClusterJournal): StoreSnapshot {
  let resourceVersion = 0;
  const objects: KubeObject[] = [];
  for (const [key, value] of journal.entries()) {
    if (key === COUNTER_KEY) {
      if (!Number.isSafeInteger(value)) throw new Error(`saved ${COUNTER_KEY} is not a number`);
      resourceVersion = value as number;
      continue;
    }
    const record = value as [number, KubeObject] | undefined;
    if (!key.startsWith(OBJECT_PREFIX) || !Array.isArray(record) || record[0] !== RECORD_VERSION)
      throw new Error(`saved Kubernetes record ${key} is not in this program's format`);
    const object = record[1];
    if (!KNOWN_KINDS.has(object?.kind as Kind) || typeof object.metadata?.name !== 'string')
      throw new Error(`saved Kubernetes record ${key} is not an object of a served kind`);
    objects.push(object);
  }
  return { resourceVersion, objects };
}

/**
 * Saves every change the cluster commits from now on; with `saveCurrent`, first the cluster as it
 * is (a new cluster already holds its `default` namespace). Returns the unsubscribe.
 */
export function journalCluster(
  cluster: Cluster,
  journal: ClusterJournal,
  opts: { saveCurrent: boolean },
): () => void {
  if (opts.saveCurrent) {
    const { resourceVersion, objects } = cluster.snapshot();
    for (const object of objects) journal.put(recordKey(object), [RECORD_VERSION, object]);
    journal.put(COUNTER_KEY, resourceVersion);
  }
  return cluster.subscribe((event) => {
    if (event.type === 'DELETED') journal.remove(recordKey(event.object));
    else journal.put(recordKey(event.object), [RECORD_VERSION, event.object]);
    journal.put(COUNTER_KEY, event.resourceVersion);
  });
}
