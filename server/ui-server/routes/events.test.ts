import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { eventsApi, API_PREFIX } from '@model/api/paths.ts';
import { createDefaultObjects } from '@server/config-api/bootstrap.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { freePort } from '@server/testing/server-process.ts';
import { buildUiServer } from '../app.ts';
import { eventRoutes } from './events.ts';

interface Frame {
  event: string;
  data: unknown;
}

/** Reads Server-Sent Events frames (with an `event:` line) from a streaming response, until it ends. */
async function* frames(body: ReadableStream<Uint8Array>): AsyncGenerator<Frame> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const event = lines.find((l) => l.startsWith('event: '));
      const data = lines.find((l) => l.startsWith('data: '));
      if (event && data)
        yield { event: event.slice('event: '.length), data: JSON.parse(data.slice('data: '.length)) };
    }
  }
}

describe('GET /api/events', () => {
  let app: FastifyInstance | undefined;
  let abort: AbortController | undefined;
  afterEach(async () => {
    abort?.abort();
    await app?.close();
    app = undefined;
  });

  async function open(store: ConfigStore) {
    app = await buildUiServer({
      configApiUrl: `http://127.0.0.1:${await freePort()}`,
      plugins: [{ prefix: API_PREFIX.events, plugin: eventRoutes(store) }],
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    abort = new AbortController();
    const res = await fetch(`${url}${eventsApi.stream.path()}`, { signal: abort.signal });
    return { res, stream: frames(res.body!) };
  }

  it('streams each batch of config changes as type, uuid and kind', async () => {
    const store = new ConfigStore();
    createDefaultObjects(store);
    const { res, stream } = await open(store);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const project = store.create('project', { fq_name: ['default-domain', 'k8s-ns-user-1'] });
    store.update('project', project.uuid, { display_name: 'ns-user-1' });
    expect((await stream.next()).value).toEqual({
      event: 'config',
      data: [
        { kind: 'create', type: 'project', uuid: project.uuid },
        { kind: 'update', type: 'project', uuid: project.uuid },
      ],
    });

    store.delete('project', project.uuid);
    expect((await stream.next()).value).toEqual({
      event: 'config',
      data: [{ kind: 'delete', type: 'project', uuid: project.uuid }],
    });
  });

  it('tells the client to refetch everything when a batch is too large to list', async () => {
    const store = new ConfigStore();
    createDefaultObjects(store);
    const { stream } = await open(store);
    for (let i = 0; i < 501; i++) store.create('project', { fq_name: ['default-domain', `p-${i}`] });
    expect((await stream.next()).value).toEqual({ event: 'config', data: { resync: true } });

    const last = store.create('project', { fq_name: ['default-domain', 'after'] });
    expect((await stream.next()).value).toEqual({
      event: 'config',
      data: [{ kind: 'create', type: 'project', uuid: last.uuid }],
    });
  });

  it('on close, sends every open stream a final reconnect event and ends it, so close() does not wait', async () => {
    const store = new ConfigStore();
    createDefaultObjects(store);
    const { stream } = await open(store);
    const second = await fetch(`${app!.listeningOrigin}${eventsApi.stream.path()}`, {
      signal: abort!.signal,
    });
    const project = store.create('project', { fq_name: ['default-domain', 'before-close'] });
    expect((await stream.next()).value).toMatchObject({ event: 'config' });

    // Both clients are still connected: close() resolves only because it ends their streams.
    await app!.close();
    app = undefined;
    const rest: Frame[] = [];
    for await (const frame of stream) rest.push(frame);
    expect(rest).toEqual([{ event: 'reconnect', data: { reason: 'shutdown', retryMs: 2000 } }]);
    const secondFrames: Frame[] = [];
    for await (const frame of frames(second.body!)) secondFrames.push(frame);
    expect(secondFrames).toEqual([
      { event: 'config', data: [{ kind: 'create', type: 'project', uuid: project.uuid }] },
      { event: 'reconnect', data: { reason: 'shutdown', retryMs: 2000 } },
    ]);
    // The stream unsubscribed: a change after close reaches nobody and breaks nothing.
    store.update('project', project.uuid, { display_name: 'after-close' });
  });
});
