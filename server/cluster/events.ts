// Kubernetes Event objects the cluster's controllers record (Scheduled, SuccessfulCreate,
// ScalingReplicaSet, …), named `<object>.<hex>` as client-go's recorder does, repeated events
// counted on the same object, and the oldest dropped past a bound (Kubernetes expires them by TTL).

import type { Event } from '@model/kubernetes/types.ts';
import type { Clock } from '@server/clock.ts';
import { uuidV5 } from '@server/ids.ts';
import { DERIVED_UID_NAMESPACE, timestamp, type EventSink } from './context.ts';
import type { ObjectStore } from './object-store.ts';

export class EventRecorder implements EventSink {
  /** Event keys oldest first, and the aggregation key → event key. */
  private readonly order: string[] = [];
  private readonly byAggregate = new Map<string, string>();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock,
    private readonly maxEvents = 1000,
  ) {
    for (const e of store.values('Event')) this.remember(e);
  }

  private remember(e: Event): void {
    const key = `${e.metadata.namespace}/${e.metadata.name}`;
    this.order.push(key);
    this.byAggregate.set(this.aggregateKey(e.involvedObject.uid, e.reason, e.message), key);
  }

  private aggregateKey(uid: string, reason: string, message: string): string {
    return `${uid}\u0000${reason}\u0000${message}`;
  }

  record(
    involved: Parameters<EventSink['record']>[0],
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const now = timestamp(this.clock);
    const existingKey = this.byAggregate.get(this.aggregateKey(involved.metadata.uid, reason, message));
    const existing = existingKey ? this.store.getByKey('Event', existingKey) : undefined;
    if (existing) {
      this.store.put<'Event'>({ ...existing, count: existing.count + 1, lastTimestamp: now });
      return;
    }
    const name = `${involved.metadata.name}.${this.clock.now().toString(16)}${this.order.length.toString(16)}`;
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name,
        namespace,
        uid: uuidV5(DERIVED_UID_NAMESPACE, `event/${namespace}/${name}`),
        resourceVersion: '0',
        creationTimestamp: now,
      },
      involvedObject: {
        kind: involved.kind,
        ...(involved.metadata.namespace !== undefined ? { namespace: involved.metadata.namespace } : {}),
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
      },
      reason,
      message,
      source: { component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      reportingComponent: component,
      reportingInstance: '',
    };
    this.remember(this.store.put<'Event'>(event));
    while (this.order.length > this.maxEvents) {
      const oldest = this.order.shift()!;
      const [ns, evName] = [oldest.slice(0, oldest.indexOf('/')), oldest.slice(oldest.indexOf('/') + 1)];
      const gone = this.store.remove('Event', ns, evName);
      if (gone)
        this.byAggregate.delete(this.aggregateKey(gone.involvedObject.uid, gone.reason, gone.message));
    }
  }

  forget(namespace: string): void {
    for (let i = this.order.length - 1; i >= 0; i--)
      if (this.order[i]!.startsWith(`${namespace}/`)) this.order.splice(i, 1);
  }
}
