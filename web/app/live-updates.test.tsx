// @vitest-environment jsdom
// Honest liveness against msw: the header says Live only while the event stream is open; a drop
// (or a request that cannot reach the server) shows one "Disconnected — data as of hh:mm" banner
// per page while the rows on screen stay; back online everything on screen is refetched and what
// failed meanwhile is retried, so its error clears.

import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { fakeEventSources } from '@web/testing/fake-event-source.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { createHandlers, upstreamDownHandlers } from '@web/testing/handlers.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

useMswServer();
// Many user events per test: a busy machine needs more than the default 5 s.
vi.setConfig({ testTimeout: 20_000 });

const AS_OF = new Date(2026, 0, 2, 14, 5).getTime();
const fx = buildFixtures();
const seedLb = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip')!;

function embeddedInfo() {
  return http.get('/api/info', () => HttpResponse.json({ mode: 'embedded', configApi: { url: 'x' } }));
}

/** The UI server is gone: every request fails without an HTTP answer. */
function serverGone() {
  return http.all('/api/*', () => HttpResponse.error());
}

describe('liveness with the event stream', () => {
  it('goes from Live to one Disconnected banner and back, refetching what is on screen', async () => {
    const user = userEvent.setup();
    const streams = fakeEventSources();
    server.use(embeddedInfo());
    renderApp('/loadbalancers', { live: { now: () => AS_OF, openEventSource: streams.openEventSource } });
    await screen.findByRole('button', { name: `Expand ${seedLb.displayName}` });
    await waitFor(() => expect(streams.latest()?.url).toBe('/api/events'));
    act(() => streams.latest()!.open());
    expect(await screen.findByText('Live')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    // The server stops: the stream drops and requests fail.
    server.use(serverGone());
    act(() => streams.latest()!.drop());
    const banner = await findBanner();
    expect(banner.textContent).toContain('Disconnected — data as of 14:05');
    expect(screen.getByText('Disconnected')).toBeTruthy();
    // The rows on screen stay up.
    expect(screen.getByRole('button', { name: `Expand ${seedLb.displayName}` })).toBeTruthy();

    // Expanding now fails: one banner per page, not one alert per expanded node.
    await user.click(screen.getByRole('button', { name: `Expand ${seedLb.displayName}` }));
    await screen.findByText(/Not loaded: disconnected/);
    expect(screen.getAllByRole('alert')).toHaveLength(1);

    // The server is back with one more load balancer: the stream reopens and the page resyncs.
    server.resetHandlers(embeddedInfo(), ...createHandlers(buildFixtures(undefined, 1)));
    act(() => streams.latest()!.open());
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(await screen.findByRole('button', { name: 'Expand bulk__bulk-00000' })).toBeTruthy();
    // The level that failed while away is retried: its listener is there, its error gone.
    const listener = fx.listenersByLb.get(seedLb.uuid)![0]!;
    expect(
      await screen.findByRole('button', { name: `Expand listener ${listenerName(listener)}` }),
    ).toBeTruthy();
    expect(screen.queryByText(/Not loaded/)).toBeNull();
    expect(screen.getByText('Live')).toBeTruthy();
  });

  it('applies config events to the queries they touch', async () => {
    const streams = fakeEventSources();
    server.use(embeddedInfo());
    renderApp('/loadbalancers', { live: { openEventSource: streams.openEventSource } });
    await screen.findByRole('button', { name: `Expand ${seedLb.displayName}` });
    await waitFor(() => expect(streams.latest()).toBeDefined());
    act(() => streams.latest()!.open());
    server.use(...createHandlers(buildFixtures(undefined, 1)));
    act(() => streams.latest()!.send('config', [{ kind: 'create', type: 'loadbalancer', uuid: 'x' }]));
    expect(await screen.findByRole('button', { name: 'Expand bulk__bulk-00000' })).toBeTruthy();
  });
});

describe('liveness while polling a real cluster', () => {
  it('says the config API is unreachable once, with nothing loaded yet, and recovers on Retry now', async () => {
    const user = userEvent.setup();
    server.use(...upstreamDownHandlers());
    renderApp('/loadbalancers', { live: { now: () => AS_OF } });
    const banner = await findBanner();
    expect(banner.textContent).toContain('Disconnected — nothing loaded yet');
    expect(banner.textContent).toContain('The config API is unreachable (502)');
    expect(banner.textContent).toContain('config API http://127.0.0.1:8082 is unreachable: ECONNREFUSED');
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    expect(screen.getByText(/Not loaded: disconnected/)).toBeTruthy();

    server.resetHandlers();
    await user.click(within(banner).getByRole('button', { name: 'Retry now' }));
    expect(await screen.findByRole('button', { name: `Expand ${seedLb.displayName}` })).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.getByText('Polling')).toBeTruthy();
  });

  it('shows the time of the last good answer when polling starts failing', async () => {
    server.use(http.get('/api/info', () => HttpResponse.json({ mode: 'external' })));
    const { queryClient } = renderApp('/loadbalancers', { live: { now: () => AS_OF } });
    await screen.findByRole('button', { name: `Expand ${seedLb.displayName}` });
    server.use(...upstreamDownHandlers());
    await act(() => queryClient.refetchQueries());
    const banner = await findBanner();
    expect(banner.textContent).toContain('Disconnected — data as of 14:05');
    // The grid keeps its rows.
    expect(screen.getByRole('button', { name: `Expand ${seedLb.displayName}` })).toBeTruthy();
  });
});

describe('stale data while away', () => {
  it('keeps an object page up while disconnected, and says a 404 above the last data', async () => {
    const { queryClient } = renderApp(`/loadbalancers/${seedLb.uuid}`);
    const panel = await screen.findByRole('region', { name: `Details of loadbalancer ${seedLb.uuid}` });
    await within(panel).findByText('VIP');
    server.use(serverGone());
    await act(() => queryClient.refetchQueries());
    await findBanner();
    expect(within(panel).getByText('VIP').nextElementSibling?.textContent).toBe('10.105.53.64');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain(
      'ns-user-1__service-web-clusterip',
    );

    // Back, but the object was deleted meanwhile: the page says so and keeps what it showed.
    server.resetHandlers();
    server.use(
      http.get(`/api/config/loadbalancer/${seedLb.uuid}`, () =>
        HttpResponse.json({ error: 'Not Found', detail: `Unknown id: ${seedLb.uuid}` }, { status: 404 }),
      ),
    );
    await act(() => queryClient.refetchQueries());
    const notFound = await within(panel).findByText('Not found (404)');
    expect(notFound.closest('[role="alert"]')!.textContent).toContain(`Unknown id: ${seedLb.uuid}`);
    expect(within(panel).getByText('VIP')).toBeTruthy();
  });
});

/** The page's connection banner (a screen's own error may show for a moment before it). */
async function findBanner(): Promise<HTMLElement> {
  return (await screen.findByText(/^Disconnected —/)).closest<HTMLElement>('[role="alert"]')!;
}

function listenerName(l: { protocol: string | null; port: number | null }): string {
  return `${l.protocol}:${l.port}`;
}
