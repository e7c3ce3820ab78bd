// The informer against a scripted KubeClient, on manual timers: what it lists and watches, from
// which resourceVersion, how long it backs off, when it relists, and what a relist reports.

import { describe, expect, it } from 'vitest';
import { RESOURCE_BY_KIND } from '@model/kubernetes/resources.ts';
import type { Service } from '@model/kubernetes/types.ts';
import { Informer, type ChangeType } from './informer.ts';
import type { KubeClient, ListPage, RawWatchEvent, WatchOptions } from './kube-client.ts';
import { ManualTimers } from './testing/harness.ts';

const svc = (name: string, rv: string) =>
  ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: rv },
  }) as unknown as Service;

/** A client whose list answers come from a queue and whose watches the test drives by hand. */
class ScriptedClient implements KubeClient {
  readonly description = 'scripted';
  readonly lists: ListPage[] = [];
  readonly watches: {
    opts: WatchOptions;
    emit: (e: RawWatchEvent) => void;
    close: (err?: Error) => void;
    stopped: boolean;
  }[] = [];
  listFailures = 0;
  async list(): Promise<ListPage> {
    if (this.listFailures > 0) {
      this.listFailures--;
      throw new Error('connection refused');
    }
    return this.lists.shift()!;
  }
  watch(
    _r: unknown,
    opts: WatchOptions,
    onEvent: (e: RawWatchEvent) => void,
    onClose: (err?: Error) => void,
  ) {
    const w = { opts, emit: onEvent, close: onClose, stopped: false };
    this.watches.push(w);
    return { stop: () => void (w.stopped = true) };
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function start(client: ScriptedClient, timers: ManualTimers, idleTimeoutMs = 0) {
  const changes: string[] = [];
  const informer = new Informer<Service>(
    client,
    RESOURCE_BY_KIND.get('Service')!,
    (type: ChangeType, o) => changes.push(`${type} ${o.metadata.name}`),
    {
      timers,
      initialBackoffMs: 100,
      maxBackoffMs: 400,
      idleTimeoutMs,
    },
  );
  informer.start();
  return { informer, changes };
}

describe('Informer', () => {
  it('lists, watches from the list version, follows events and bookmarks, and re-watches from there', async () => {
    const client = new ScriptedClient();
    const timers = new ManualTimers();
    client.lists.push({ items: [svc('a', '5')], resourceVersion: '10' });
    const { informer, changes } = start(client, timers);
    await informer.synced;
    expect(changes).toEqual(['ADDED a']);
    expect(client.watches[0]!.opts).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });
    client.watches[0]!.emit({ type: 'ADDED', object: svc('b', '11') });
    client.watches[0]!.emit({
      type: 'BOOKMARK',
      object: { kind: 'Service', metadata: { resourceVersion: '15' } },
    });
    expect(informer.lastResourceVersion).toBe('15');
    client.watches[0]!.close(); // the server's timeout: re-watch at once, from 15
    expect(client.watches[1]!.opts.resourceVersion).toBe('15');
    expect(changes).toEqual(['ADDED a', 'ADDED b']);
  });

  it('backs off 100, 200, 400, 400 ms on failures, then resets after a success', async () => {
    const client = new ScriptedClient();
    const timers = new ManualTimers();
    client.listFailures = 4;
    client.lists.push({ items: [], resourceVersion: '1' });
    const { informer } = start(client, timers);
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      await settle();
      delays.push(...timers.pendingDelays());
      timers.fireAll();
    }
    await informer.synced;
    expect(delays).toEqual([100, 200, 400, 400]);
    client.watches[0]!.close(new Error('reset'));
    expect(timers.pendingDelays()).toEqual([100]);
  });

  it('relists on 410 and reports what changed meanwhile, deletes included', async () => {
    const client = new ScriptedClient();
    const timers = new ManualTimers();
    client.lists.push({ items: [svc('a', '5'), svc('b', '6')], resourceVersion: '10' });
    const { informer, changes } = start(client, timers);
    await informer.synced;
    client.lists.push({ items: [svc('b', '20'), svc('c', '21')], resourceVersion: '30' });
    client.watches[0]!.emit({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    await settle();
    expect(changes).toEqual(['ADDED a', 'ADDED b', 'DELETED a', 'MODIFIED b', 'ADDED c']);
    expect(informer.stats.expired).toBe(1);
    expect(client.watches.at(-1)!.opts.resourceVersion).toBe('30');
    expect(client.watches[0]!.stopped).toBe(true);
  });

  it('treats a silent stream as half-open after the idle timeout and re-watches from its version', async () => {
    const client = new ScriptedClient();
    const timers = new ManualTimers();
    client.lists.push({ items: [], resourceVersion: '7' });
    const { informer } = start(client, timers, 90_000);
    await informer.synced;
    client.watches[0]!.emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } });
    expect(timers.fireAll(90_000)).toBe(1);
    expect(client.watches[0]!.stopped).toBe(true);
    expect(client.watches[1]!.opts.resourceVersion).toBe('9');
    // Events on the old stream are ignored from now on.
    client.watches[0]!.emit({ type: 'ADDED', object: svc('late', '8') });
    expect(informer.cache.has('ns/late')).toBe(false);
  });
});
