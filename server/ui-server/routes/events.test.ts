import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { eventRoutes } from './events.ts';

/** Reads Server-Sent Events frames of one type from a streaming response. */
async function* frames(body: ReadableStream<Uint8Array>, event: string): AsyncGenerator<unknown> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = frame.split('\n');
      if (lines.includes(`event: ${event}`))
        yield JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice('data: '.length));
    }
  }
}

describe('GET /api/events', () => {
  let app: FastifyInstance | undefined;
  let abort: AbortController | undefined;
  afterEach(async () => {
    abort?.abort();
    await app?.close();
  });

  async function open(store: ConfigStore) {
    app = Fastify();
    await app.register(eventRoutes(store), { prefix: '/api/events' });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    abort = new AbortController();
    const res = await fetch(`${url}/api/events`, { signal: abort.signal });
    return { res, config: frames(res.body!, 'config') };
  }

  it('streams each batch of config changes as type, uuid and kind', async () => {
    const store = new ConfigStore();
    createDefaultObjects(store);
    const { res, config } = await open(store);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');

    const project = store.create('project', { fq_name: ['default-domain', 'k8s-ns-user-1'] });
    store.update('project', project.uuid, { display_name: 'ns-user-1' });
    expect((await config.next()).value).toEqual([
      { kind: 'create', type: 'project', uuid: project.uuid },
      { kind: 'update', type: 'project', uuid: project.uuid },
    ]);

    store.delete('project', project.uuid);
    expect((await config.next()).value).toEqual([{ kind: 'delete', type: 'project', uuid: project.uuid }]);
  });

  it('tells the client to refetch everything when a batch is too large to list', async () => {
    const store = new ConfigStore();
    createDefaultObjects(store);
    const { config } = await open(store);
    for (let i = 0; i < 501; i++) store.create('project', { fq_name: ['default-domain', `p-${i}`] });
    expect((await config.next()).value).toEqual({ resync: true });

    const last = store.create('project', { fq_name: ['default-domain', 'after'] });
    expect((await config.next()).value).toEqual([{ kind: 'create', type: 'project', uuid: last.uuid }]);
  });
});
