// @vitest-environment jsdom
// The Dataplane screen against the msw handlers, which serve the contract (paged tables with
// names, cursors, filters and sort; topology; trace modes; Service-scoped cluster lists): the
// routes of the client's VRF with the VIP /32 on its ECMP composite, filter and sort asked of the
// server, pages fetched as the view scrolls, next hops named, the composite graph and slot table,
// interfaces, flows (trace from a row, refresh of the pages in view only while visible), the CLI
// text, trace predicted or simulated, and the cluster controls.

import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Capabilities, ComputeList } from '@model/api/dataplane-views.ts';
import type { MemberRow } from '@model/explorer.ts';
import {
  buildDataplaneFixtures,
  cliText,
  COMPOSITE_NH,
  POD_VRF,
  SINGLE_MEMBER_VIP,
  VIP,
} from '@web/testing/dataplane-fixtures.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { createHandlers } from '@web/testing/handlers.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';
import { withMoreRows } from '@web/testing/scale-fixtures.ts';

useMswServer();
// Many user events per test: a busy machine needs more than the default 5 s.
vi.setConfig({ testTimeout: 20_000 });

beforeAll(() => {
  // React Flow measures its container; jsdom has no layout APIs.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  (globalThis as { DOMMatrixReadOnly?: unknown }).DOMMatrixReadOnly ??= class {
    m22 = 1;
  };
});

const fx = buildDataplaneFixtures();

function cellTexts(row: HTMLElement): string[] {
  return within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent ?? '');
}

const bodyRows = (table: HTMLElement) => within(table).getAllByRole('row').slice(1);

/** Every request URL the app sends from now on (path and query). */
function recordRequests(): string[] {
  const urls: string[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    urls.push(`${request.method} ${url.pathname}${url.search}`);
  });
  return urls;
}

afterEach(() => server.events.removeAllListeners());

function withCapabilities(capabilities: Capabilities) {
  server.use(...createHandlers(buildFixtures(), { capabilities }));
}

describe('dataplane routes', () => {
  it('opens the first compute and the client VRF with the VIP /32 on its ECMP composite, named', async () => {
    const { router } = renderApp('/dataplane');
    await waitFor(() => expect(router.state.location.pathname).toBe('/dataplane/k8s-node1'));
    const select = await screen.findByRole('combobox', { name: 'vRouter' });
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['k8s-node1 (10.85.188.20)', 'k8s-node2 (10.85.188.21)']),
    );
    const table = await screen.findByRole('table', { name: 'Routes in VRF 3' });
    const rows = bodyRows(table);
    expect(rows.map((r) => cellTexts(r)[0])).toEqual([
      '10.47.255.252/32',
      '10.47.255.253/32',
      '10.47.255.254/32',
      '10.105.53.64/32',
      '10.105.53.70/32',
    ]);
    expect(cellTexts(rows[3]!)).toEqual([
      '10.105.53.64/32',
      '32',
      'P',
      '-',
      '14',
      'ECMP Composite',
      'svc ns-user-1/service-web-clusterip',
      'Ecmp',
    ]);
    // The remote webserver: label valid, tunnel next hop, named by its pod and compute.
    expect(cellTexts(rows[1]!)).toEqual([
      '10.47.255.253/32',
      '32',
      'LP',
      '16',
      '12',
      'Tunnel',
      'pod ns-user-1/webserver-psx2dvdbbb-zj2nt node k8s-node2',
      '10.85.188.21',
    ]);
    expect(
      within(rows[3]!).getByRole('link', { name: 'ns-user-1/service-web-clusterip' }).getAttribute('href'),
    ).toBe('/loadbalancers/uid-svc-1');
    expect(
      within(table).getByRole('link', { name: 'Next hop 14 of 10.105.53.64/32' }).getAttribute('href'),
    ).toBe(`/dataplane/k8s-node1?tab=nexthops&nh=14&vrf=${encodeURIComponent(POD_VRF)}`);
    expect(screen.getByText('5 routes').getAttribute('role')).toBe('status');
  });

  it('asks the server for a prefix and an order, and keeps both in the URL', async () => {
    const user = userEvent.setup();
    const urls = recordRequests();
    const { router } = renderApp('/dataplane/k8s-node1');
    const table = await screen.findByRole('table', { name: 'Routes in VRF 3' });
    await user.type(screen.getByRole('searchbox', { name: 'Filter routes' }), '10.47.0.0/16');
    await waitFor(() => expect(bodyRows(table)).toHaveLength(3));
    expect(screen.getByText('3 of 5 routes match')).toBeTruthy();
    const routeRequests = urls.filter((u) => u.includes('/routes?'));
    // The box is read once typing pauses: one request for the whole prefix, none per keystroke.
    expect(routeRequests.filter((u) => u.includes('prefix='))).toEqual([
      `GET /api/dataplane/vrouters/k8s-node1/routes?vrf=${encodeURIComponent(POD_VRF).replace(/%20/g, '+')}&prefix=10.47.0.0%2F16&sort=prefix&order=asc&limit=50`,
    ]);
    await user.click(within(table).getByRole('button', { name: /^Destination/ }));
    await waitFor(() => expect(cellTexts(bodyRows(table)[0]!)[0]).toBe('10.47.255.254/32'));
    expect(
      within(table)
        .getByRole('columnheader', { name: /^Destination/ })
        .getAttribute('aria-sort'),
    ).toBe('descending');
    const search = new URLSearchParams(router.state.location.search);
    expect([search.get('filter'), search.get('sort'), search.get('order')]).toEqual([
      '10.47.0.0/16',
      'prefix',
      'desc',
    ]);
  });

  it('fetches the next page with the cursor as the view nears the end, with only the rows in view in the DOM', async () => {
    server.use(
      ...createHandlers(buildFixtures(), {
        dataplane: withMoreRows(buildDataplaneFixtures(), { routes: 1000 }),
      }),
    );
    const urls = recordRequests();
    renderApp('/dataplane/k8s-node1');
    const table = await screen.findByRole('table', { name: 'Routes in VRF 3' });
    await waitFor(() => expect(screen.getByText('1,005 routes')).toBeTruthy());
    expect(table.getAttribute('aria-rowcount')).toBe('1006');
    expect(bodyRows(table).length).toBeLessThan(60);
    const pages = () => urls.filter((u) => u.includes('/routes?'));
    // A first page of a screenful and some, and at once the next, longer one (its end is near).
    await waitFor(() => expect(pages()).toHaveLength(2));
    expect(pages()[0]).toMatch(/&limit=50$/);
    expect(pages()[1]).toMatch(/&limit=200&cursor=[^&]+$/);
    const scroller = table.querySelector<HTMLElement>('[data-scroll-container]')!;
    act(() => {
      scroller.scrollTop = 240 * 36;
      fireEvent.scroll(scroller);
    });
    await waitFor(() => expect(pages()).toHaveLength(3));
    expect(pages()[2]).toMatch(/&limit=200&cursor=[^&]+$/);
    expect(bodyRows(table).length).toBeLessThan(60);
  });

  it('shows the exact rt --dump text and keeps the CLI view in the URL', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/dataplane/k8s-node1');
    await screen.findByRole('table', { name: 'Routes in VRF 3' });
    await user.click(screen.getByRole('button', { name: 'CLI' }));
    const pre = await screen.findByLabelText('rt --dump 3');
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe(cliText(fx.cli.get('rt/k8s-node1/3')!));
    expect(router.state.location.search).toBe('?cli=1');
  });

  it('pages a long CLI text and keeps only the lines in view in the DOM', async () => {
    const dp = buildDataplaneFixtures();
    const records = Array.from(
      { length: 3000 },
      (_, i) => `   ${String(i).padStart(6)}<=>${i + 1}    10.47.0.1:${1024 + i}`,
    );
    dp.cli.set('flow/k8s-node1', { header: ['Flow table', ''], records });
    server.use(...createHandlers(buildFixtures(), { dataplane: dp }));
    const urls = recordRequests();
    renderApp('/dataplane/k8s-node1?tab=flows&cli=1');
    const text = await screen.findByRole('region', { name: 'flow -l' });
    expect(text.tagName).toBe('DIV');
    expect(text.textContent).toContain('Flow table');
    expect(text.querySelectorAll('.cli-line').length).toBeLessThan(120);
    expect(urls.filter((u) => u.includes('/cli/flow'))[0]).toBe(
      'GET /api/dataplane/vrouters/k8s-node1/cli/flow?limit=500',
    );
    act(() => {
      text.scrollTop = 400 * 17;
      fireEvent.scroll(text);
    });
    await waitFor(() => expect(urls.filter((u) => u.includes('/cli/flow')).length).toBe(2));
    expect(urls.filter((u) => u.includes('/cli/flow'))[1]).toMatch(/limit=500&cursor=/);
  });
});

describe('dataplane next hops', () => {
  it('says what each next hop leads to: VIP and Service, pod, compute', async () => {
    renderApp('/dataplane/k8s-node1?tab=nexthops');
    const table = await screen.findByRole('table', { name: 'Next hops on k8s-node1' });
    const row = (id: number) =>
      within(table)
        .getByRole('button', { name: `Next hop ${id}` })
        .closest('[role="row"]') as HTMLElement;
    await waitFor(() => expect(row(COMPOSITE_NH)).toBeTruthy());
    expect(cellTexts(row(COMPOSITE_NH))).toEqual([
      '14',
      'Composite 3 slots, 1 holek8s-default-pod-network',
      '10.105.53.64/32 svc ns-user-1/service-web-clusterip',
      '2',
    ]);
    expect(cellTexts(row(10))[2]).toBe('pod ns-user-1/client');
    expect(cellTexts(row(12))[2]).toBe('node k8s-node2');
  });

  it('asks the server for one type only', async () => {
    const user = userEvent.setup();
    const urls = recordRequests();
    renderApp('/dataplane/k8s-node1?tab=nexthops');
    const table = await screen.findByRole('table', { name: 'Next hops on k8s-node1' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Type' }), 'tunnel');
    await waitFor(() => expect(bodyRows(table)).toHaveLength(1));
    expect(urls.some((u) => u.includes('/nexthops?type=tunnel'))).toBe(true);
  });

  it('draws the composite: slots with labels and next hops, the hole, and the member pods', async () => {
    renderApp('/dataplane/k8s-node1?tab=nexthops&nh=14');
    // The graph is a lazy chunk (React Flow): its first import can be slow on a busy machine.
    const graph = await screen.findByRole(
      'figure',
      { name: 'Composite next hop 14 graph' },
      { timeout: 10_000 },
    );
    await waitFor(
      () =>
        expect(
          within(graph)
            .getAllByRole('group')
            .map((g) => g.getAttribute('aria-label')),
        ).toEqual([
          'Composite next hop 14 with 3 slots, VIP 10.105.53.64/32',
          'Slot 0: label 17, Encap NH 11 → tapeth0--8v79p, ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1, 1 flows (100.0%)',
          'Slot 1: hole (-1)',
          'Slot 2: label 16, Tunnel NH 12 → k8s-node2, ns-user-1/webserver-psx2dvdbbb-zj2nt on k8s-node2, 0 flows (0.0%)',
        ]),
      { timeout: 5_000 },
    );
    expect(within(graph).getByRole('group', { name: 'Slot 1: hole (-1)' }).className).toContain(
      'dp-node-hole',
    );
    // Zoom and fit: React Flow's controls.
    expect(within(graph).getByRole('button', { name: /fit view/i })).toBeTruthy();
    const detail = screen.getByRole('region', { name: 'Next hop 14' });
    expect(detail.textContent).toContain(
      'Hash fields l3-source-address, l3-destination-address, l4-protocol',
    );
    expect(
      within(detail)
        .getByRole('link', { name: 'ECMP topology of 10.105.53.64 on every compute' })
        .getAttribute('href'),
    ).toBe('/topology?vip=10.105.53.64&lb=uid-svc-1');
    const pre = await screen.findByLabelText('nh --get 14');
    expect(pre.textContent).toContain('Sub NH(label): 11(17) -1 12(16)');
  });

  it('opens "Show in dataplane" on the VIP\'s composite, with its slots as a table linked to members and pods', async () => {
    server.use(...explorerForService('uid-svc-1'));
    const { router } = renderApp(
      `/dataplane/k8s-node1?tab=nexthops&vip=${VIP}&pod=${encodeURIComponent('ns-user-1/webserver-psx2dvdbbb-zj2nt')}`,
    );
    await waitFor(() => expect(router.state.location.search).toContain(`nh=${COMPOSITE_NH}`));
    expect(new URLSearchParams(router.state.location.search).get('vrf')).toBe(POD_VRF);
    const detail = await screen.findByRole('region', { name: `Next hop ${COMPOSITE_NH}` });
    expect(
      (await within(detail).findByRole('link', { name: 'ns-user-1/service-web-clusterip' })).getAttribute(
        'href',
      ),
    ).toBe('/loadbalancers/uid-svc-1');
    const slots = within(detail).getByRole('table', { name: `Slots of composite next hop ${COMPOSITE_NH}` });
    await waitFor(() => expect(within(slots).getAllByRole('link', { name: /^Member / })).toHaveLength(2));
    const rows = within(slots).getAllByRole('row').slice(1);
    expect(rows.map(cellTexts)).toEqual([
      [
        '0',
        '17',
        'Encap 11',
        '10.47.255.254:80',
        'ns-user-1/webserver-psx2dvdbbb-8v79p',
        'k8s-node1',
        '',
        '1 flows (100.0%)',
      ],
      ['1', '-1', '—', '—', '—', '—', 'hole (-1)', ''],
      [
        '2',
        '16',
        'Tunnel 12',
        '10.47.255.253:80',
        'ns-user-1/webserver-psx2dvdbbb-zj2nt',
        'k8s-node2',
        '',
        '0 flows (0.0%)',
      ],
    ]);
    expect(within(rows[0]!).getByRole('link', { name: 'Member 10.47.255.254:80' }).getAttribute('href')).toBe(
      '/members/member-a',
    );
    expect(
      within(rows[2]!)
        .getByRole('link', { name: 'ns-user-1/webserver-psx2dvdbbb-zj2nt' })
        .getAttribute('href'),
    ).toBe(`/objects/virtual-machine-interface/${itfOf('k8s-node2', '10.47.255.253').uuid}`);
    // The member the page was opened for is picked out.
    expect(rows[2]!.className).toBe('is-picked');
    // The graph's slot nodes carry the same links (out of the tab order: the table has them).
    const graph = await screen.findByRole(
      'figure',
      { name: `Composite next hop ${COMPOSITE_NH} graph` },
      { timeout: 10_000 },
    );
    await waitFor(() => expect(within(graph).getAllByRole('link', { name: /^Member / })).toHaveLength(2), {
      timeout: 5_000,
    });
    const pod = within(graph).getByRole('link', { name: 'Pod ns-user-1/webserver-psx2dvdbbb-8v79p' });
    expect(pod.getAttribute('tabindex')).toBe('-1');
  });

  it('explains a VIP with a single member: no composite, the route goes straight to its next hop', async () => {
    const { router } = renderApp(`/dataplane/k8s-node1?tab=nexthops&vip=${SINGLE_MEMBER_VIP}`);
    await waitFor(() => expect(router.state.location.search).toContain('nh=10'));
    const note = await screen.findByRole('note', { name: 'Single member' });
    expect(note.textContent).toContain(`${SINGLE_MEMBER_VIP}/32 has a single member`);
    expect(note.textContent).toContain('Encap next hop 10');
    expect(screen.queryByRole('figure')).toBeNull();
  });

  it('says when the compute has no route for the VIP, after looking in every VRF', async () => {
    renderApp('/dataplane/k8s-node1?tab=nexthops&vip=10.9.9.9');
    const state = await screen.findByText('k8s-node1 has no route for 10.9.9.9/32');
    expect(state.closest('[role="status"]')!.textContent).toContain(POD_VRF);
  });

  it('selecting another next hop leaves the VIP it was opened for', async () => {
    const user = userEvent.setup();
    const { router } = renderApp(`/dataplane/k8s-node1?tab=nexthops&vip=${VIP}`);
    await waitFor(() => expect(router.state.location.search).toContain(`nh=${COMPOSITE_NH}`));
    await user.click(await screen.findByRole('button', { name: 'Next hop 12' }));
    const search = new URLSearchParams(router.state.location.search);
    expect([search.get('nh'), search.get('vip')]).toEqual(['12', null]);
  });
});

describe('dataplane interfaces', () => {
  it('lists the vifs with their pod and VMI, filtered by the server', async () => {
    const user = userEvent.setup();
    const urls = recordRequests();
    renderApp('/dataplane/k8s-node1?tab=interfaces');
    const table = await screen.findByRole('table', { name: 'Interfaces on k8s-node1' });
    await waitFor(() => expect(bodyRows(table)).toHaveLength(2));
    expect(cellTexts(bodyRows(table)[0]!)).toEqual([
      'vif0/3',
      'tapeth0-client',
      '10.47.255.252',
      '02:00:00:00:00:03',
      '16',
      'k8s-default-pod-network',
      'Active',
      'pod ns-user-1/client',
    ]);
    expect(within(table).getByRole('link', { name: 'Pod ns-user-1/client' }).getAttribute('href')).toBe(
      '/objects/virtual-machine-interface/00000000-0000-4000-8000-000000000003',
    );
    await user.type(screen.getByRole('searchbox', { name: 'Filter interfaces' }), '8v79p');
    await waitFor(() => expect(bodyRows(table)).toHaveLength(1));
    expect(urls.some((u) => u.endsWith('/interfaces?q=8v79p&limit=50'))).toBe(true);
  });
});

describe('dataplane flows', () => {
  it('lists flow -l rows named by source pod and Service, filtered by ip:port on the server', async () => {
    const user = userEvent.setup();
    const urls = recordRequests();
    renderApp('/dataplane/k8s-node1?tab=flows');
    const table = await screen.findByRole('table', { name: 'Flows on k8s-node1' });
    await waitFor(() => expect(bodyRows(table)).toHaveLength(2));
    expect(bodyRows(table).map(cellTexts)).toEqual([
      [
        '94488<=>157452',
        '10.47.255.254:80',
        '10.47.255.252:52608',
        '6 (3)',
        'N(SPs)',
        '',
        'K(nh):11 S(nh):11',
        '0/0',
        'pod ns-user-1/webserver-psx2dvdbbb-8v79p',
        'Trace',
      ],
      [
        '157452<=>94488',
        '10.47.255.252:52608',
        '10.105.53.64:8888',
        '6 (3)',
        'N(DPd)',
        'E:0',
        'K(nh):10 S(nh):10',
        '1/64',
        'svc ns-user-1/service-web-clusterip VIP 10.105.53.64 pod ns-user-1/client',
        'Trace',
      ],
    ]);
    await user.type(screen.getByRole('searchbox', { name: 'Filter flows' }), `${VIP}:8888`);
    await waitFor(() => expect(bodyRows(table)).toHaveLength(1));
    expect(screen.getByText('1 of 2 flows match')).toBeTruthy();
    expect(urls.some((u) => u.includes(`/flows?ip=${VIP}&port=8888&sort=index&order=asc&limit=50`))).toBe(
      true,
    );
  });

  it("fills the trace form with a flow's 5-tuple from its row", async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/dataplane/k8s-node1?tab=flows');
    await user.click(
      await screen.findByRole('link', { name: `Trace TCP 10.47.255.252:52608 → ${VIP}:8888` }),
    );
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    expect(Object.fromEntries(new URLSearchParams(router.state.location.search))).toEqual({
      tab: 'trace',
      from: 'ns-user-1/client',
      to: VIP,
      proto: 'TCP',
      port: '8888',
      sport: '52608',
    });
    expect(
      (within(form).getByRole('spinbutton', { name: 'Source port (optional)' }) as HTMLInputElement).value,
    ).toBe('52608');
  });

  it('refreshes only the pages in view, on a timer that stops while the tab is hidden', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('visible');
    try {
      server.use(
        ...createHandlers(buildFixtures(), {
          dataplane: withMoreRows(buildDataplaneFixtures(), { flows: 600 }),
        }),
      );
      const urls = recordRequests();
      renderApp('/dataplane/k8s-node1?tab=flows');
      const table = await screen.findByRole('table', { name: 'Flows on k8s-node1' });
      await waitFor(() => expect(screen.getByText('602 flows')).toBeTruthy());
      const flowPages = () => urls.filter((u) => u.includes('/flows?'));
      // The first page (a screenful and some) and the next one, asked at once.
      await waitFor(() => expect(flowPages()).toHaveLength(2));
      act(() => vi.advanceTimersByTime(5_000));
      // The first page again, and only it: the second page was never in view.
      await waitFor(() => expect(flowPages()).toHaveLength(3));
      expect(flowPages()[2]).toBe(flowPages()[0]);
      expect(bodyRows(table).length).toBeLessThan(60);

      visibility.mockReturnValue('hidden');
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
      act(() => vi.advanceTimersByTime(20_000));
      expect(flowPages()).toHaveLength(3);
      visibility.mockReturnValue('visible');
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
      // Back in view: refreshed at once.
      await waitFor(() => expect(flowPages()).toHaveLength(4));
    } finally {
      visibility.mockRestore();
      vi.useRealTimers();
    }
  });
});

describe('computes', () => {
  it('lists a compute that does not answer as unreachable, with why, and keeps the others', async () => {
    const list: ComputeList = {
      vrouters: [
        ...fx.vrouters.map(({ name, ip, vrfs, interfaces, nexthops }) => ({
          name,
          ip,
          introspect: `http://${ip}:8085`,
          reachable: true,
          error: null,
          asOf: null,
          summary: { vrfs, interfaces, nexthops },
        })),
        {
          name: 'k8s-node3',
          ip: '10.85.188.22',
          introspect: 'http://10.85.188.22:8085',
          reachable: false,
          error: 'connect ECONNREFUSED 10.85.188.22:8085',
          asOf: null,
          summary: null,
        },
      ],
    };
    server.use(http.get('/api/dataplane/vrouters', () => HttpResponse.json(list)));
    renderApp('/dataplane/k8s-node3');
    const select = await screen.findByRole('combobox', { name: 'vRouter' });
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toContain('k8s-node3 (10.85.188.22) — unreachable'),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('k8s-node3 (10.85.188.22) does not answer');
    expect(alert.textContent).toContain('connect ECONNREFUSED 10.85.188.22:8085');
  });
});

describe('trace, simulated and predicted', () => {
  it('simulates client → VIP:8888 and shows every ECMP pick, the member, the flows and the observed flow', async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.url.endsWith('/api/dataplane/trace')) bodies.push(await request.clone().json());
    });
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    await waitFor(() =>
      expect((within(form).getByRole('textbox', { name: 'To IP' }) as HTMLInputElement).value).toBe(VIP),
    );
    expect(
      (within(form).getByRole('radio', { name: 'Simulated (send the packet)' }) as HTMLInputElement).checked,
    ).toBe(true);
    await user.type(within(form).getByRole('spinbutton', { name: 'Source port (optional)' }), '52608');
    await user.click(within(form).getByRole('button', { name: 'Trace' }));
    const result = await screen.findByRole('region', { name: 'Trace result' });
    expect(result.textContent).toContain('Simulated packet');
    expect(result.textContent).toContain('Delivered');
    const picks = within(result).getByRole('list', { name: 'ECMP picks, in order' });
    expect(
      within(picks)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'k8s-node1: Composite NH 14 slot 0 of 3 (hash 47958324391492 % 3)seed 719564356, over l3-source-address, l3-destination-address, l4-protocol, l4-source-port, l4-destination-port',
    ]);
    expect(result.textContent).toContain(
      'ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1, 10.47.255.254:80',
    );
    expect(result.textContent).toContain(
      'Flow on k8s-node1 to ns-user-1/webserver-psx2dvdbbb-8v79p (10.47.255.254:80): agrees',
    );
    const flows = within(result).getByRole('table', { name: 'Trace flows on k8s-node1' });
    expect(
      within(flows)
        .getAllByRole('row')
        .slice(1)
        .map((r) => cellTexts(r)[5]),
    ).toEqual(['N(DPd)', 'N(SPs)']);
    expect(bodies).toEqual([
      {
        mode: 'simulated',
        from: 'ns-user-1/client',
        to: VIP,
        protocol: 'TCP',
        port: 8888,
        sourcePort: 52608,
      },
    ]);
  });

  it('predicts, labelled as a prediction, and says whether the observed flow agrees', async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.url.endsWith('/api/dataplane/trace')) bodies.push(await request.clone().json());
    });
    const { router } = renderApp(`/dataplane/k8s-node1?tab=trace&sport=52608`);
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    await user.click(within(form).getByRole('radio', { name: 'Predicted (from the computes’ tables)' }));
    expect(new URLSearchParams(router.state.location.search).get('mode')).toBe('predicted');
    await waitFor(() =>
      expect((within(form).getByRole('textbox', { name: 'To IP' }) as HTMLInputElement).value).toBe(VIP),
    );
    await user.click(within(form).getByRole('button', { name: 'Predict' }));
    const result = await screen.findByRole('region', { name: 'Trace result' });
    expect(result.textContent).toContain('Prediction');
    expect(result.textContent).toContain('Would be delivered');
    expect(within(result).queryByRole('table', { name: 'Trace flows on k8s-node1' })).toBeNull();
    expect(within(result).getByRole('table', { name: 'Observed flows on k8s-node1' })).toBeTruthy();
    await waitFor(() =>
      expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain(
        'Prediction: goes to ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1 (10.47.255.254:80) via composite next hop 14 on k8s-node1, slot 0 of 3; the flow observed on k8s-node1 agrees.',
      ),
    );
    expect((bodies[0] as { mode: string }).mode).toBe('predicted');
  });

  it('offers only the prediction where the server cannot simulate, and says why', async () => {
    withCapabilities({ simulate: false, scale: false, readiness: false, pauseKubeManager: false });
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    await within(form).findByText('Predicted only.');
    expect(within(form).queryByRole('radio')).toBeNull();
    expect(within(form).getByRole('button', { name: 'Predict' })).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Send traffic' })).toBeNull();
    expect(screen.getAllByText(/Only the embedded simulation can send packets/)).toHaveLength(2);
  });

  it('says why a packet to a port without a port map was dropped', async () => {
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    const port = within(form).getByRole('spinbutton', { name: 'Port' });
    await waitFor(() => expect((port as HTMLInputElement).value).toBe('8888'));
    await user.clear(port);
    await user.type(port, '9999');
    await user.click(within(form).getByRole('button', { name: 'Trace' }));
    const result = await screen.findByRole('region', { name: 'Trace result' });
    expect(within(result).getByText('Dropped: SHORT_PORT_MAP_DROP')).toBeTruthy();
    expect(result.textContent).toContain('D(NoFipPortMap)');
  });

  it('sends N flows and shows the count per member as bars', async () => {
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Send traffic' });
    const count = within(form).getByRole('spinbutton', { name: 'Number of flows' });
    await user.clear(count);
    await user.type(count, '11');
    await user.click(within(form).getByRole('button', { name: 'Send 11 flows' }));
    const result = await screen.findByRole('region', { name: 'Traffic result' });
    const meters = within(result).getAllByRole('meter');
    expect(meters.map((m) => [m.getAttribute('aria-label'), m.getAttribute('value')])).toEqual([
      ['Flows to ns-user-1/webserver-psx2dvdbbb-8v79p', '6'],
      ['Flows to ns-user-1/webserver-psx2dvdbbb-zj2nt', '5'],
    ]);
    expect(result.textContent).toContain('11 flows sent: 11 delivered to 2 members, 0 dropped');
    expect(result.textContent).toContain('6 (54.5%)');
    expect(result.textContent).toContain('5 (45.5%)');
  });
});

function gone(): Response {
  return HttpResponse.json(
    { error: 'Not Found', detail: 'Route GET:/api/cluster/services not found', status: 404 },
    { status: 404 },
  );
}

describe('cluster controls', () => {
  it("asks only for the Service's Deployments and pods, then scales and toggles readiness", async () => {
    const user = userEvent.setup();
    const urls = recordRequests();
    const calls: { url: string; body: unknown }[] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'PUT')
        calls.push({ url: new URL(request.url).pathname, body: await request.clone().json() });
    });
    renderApp(`/dataplane/k8s-node1?svc=${encodeURIComponent('ns-user-1/service-web-clusterip')}`);
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    const scale = await within(controls).findByRole('form', { name: 'Scale ns-user-1/webserver' });
    const scoped = `service=${encodeURIComponent('ns-user-1/service-web-clusterip')}`;
    expect(
      urls.filter(
        (u) => u.startsWith('GET /api/cluster/pods') || u.startsWith('GET /api/cluster/deployments'),
      ),
    ).toEqual(
      expect.arrayContaining([`GET /api/cluster/deployments?${scoped}`, `GET /api/cluster/pods?${scoped}`]),
    );
    expect(urls).not.toContain('GET /api/cluster/pods');
    const replicas = within(scale).getByRole('spinbutton', { name: 'Replicas of ns-user-1/webserver' });
    expect((replicas as HTMLInputElement).value).toBe('2');
    await user.clear(replicas);
    await user.type(replicas, '3');
    await user.click(within(scale).getByRole('button', { name: 'Apply' }));
    await user.click(
      within(controls).getByRole('checkbox', { name: 'Ready: ns-user-1/webserver-psx2dvdbbb-zj2nt' }),
    );
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls).toEqual([
      { url: '/api/cluster/deployments/ns-user-1/webserver/scale', body: { replicas: 3 } },
      { url: '/api/cluster/pods/ns-user-1/webserver-psx2dvdbbb-zj2nt/readiness', body: { ready: false } },
    ]);
  });

  it('shows scale and readiness only where the server offers them, and says why not', async () => {
    withCapabilities({ simulate: true, scale: false, readiness: false, pauseKubeManager: false });
    renderApp(`/dataplane/k8s-node1?svc=${encodeURIComponent('ns-user-1/service-web-clusterip')}`);
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    await within(controls).findByText(/cannot write to the Kubernetes API/);
    expect(within(controls).queryByRole('form')).toBeNull();
    expect(within(controls).queryByRole('checkbox')).toBeNull();
    expect(await within(controls).findByText('webserver-psx2dvdbbb-8v79p: ready')).toBeTruthy();
    expect(within(controls).getByText(/readiness is its kubelet’s to report/)).toBeTruthy();
    expect(within(controls).getByText(/only the embedded one can be paused/)).toBeTruthy();
  });

  it('pauses kube-manager with its switch', async () => {
    const user = userEvent.setup();
    const calls: unknown[] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'PUT' && request.url.endsWith('/kube-manager'))
        calls.push(await request.clone().json());
    });
    renderApp('/dataplane/k8s-node1');
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    const toggle = await within(controls).findByRole('switch', { name: 'Pause kube-manager' });
    await waitFor(() => expect((toggle as HTMLInputElement).disabled).toBe(false));
    await user.click(toggle);
    await waitFor(() => expect((toggle as HTMLInputElement).checked).toBe(true));
    expect(calls).toEqual([{ paused: true }]);
    expect(within(controls).getByText(/Paused: it watches Kubernetes but writes nothing/)).toBeTruthy();
  });

  it('moves the switch at once, and back with the reason when the server refuses', async () => {
    let answer: (() => void) | undefined;
    server.use(
      http.put(
        '/api/cluster/kube-manager',
        () =>
          new Promise<Response>((resolve) => {
            answer = () =>
              resolve(
                HttpResponse.json(
                  { error: 'Conflict', detail: 'kube-manager is catching up', status: 409 },
                  { status: 409 },
                ),
              );
          }),
      ),
    );
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1');
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    const toggle = (await within(controls).findByRole('switch', {
      name: 'Pause kube-manager',
    })) as HTMLInputElement;
    await waitFor(() => expect(toggle.disabled).toBe(false));
    await user.click(toggle);
    // Shown as asked while the server has not answered.
    await waitFor(() => expect(toggle.checked).toBe(true));
    expect(within(controls).getByText('Pausing…')).toBeTruthy();
    answer!();
    await waitFor(() => expect(toggle.checked).toBe(false));
    expect(within(controls).getByText(/kube-manager is catching up/)).toBeTruthy();
  });

  it('is hidden when the UI server has no cluster (404)', async () => {
    server.use(http.get('/api/cluster/services', gone));
    renderApp('/dataplane/k8s-node1');
    await screen.findByRole('table', { name: 'Routes in VRF 3' });
    expect(screen.queryByRole('complementary', { name: 'Cluster controls' })).toBeNull();
  });
});

// ---- "Show in dataplane": members linked from the explorer ----------------------------------

const lbFx = buildFixtures();
const lbListener = [...lbFx.listenersByLb.values()][0]![0]!;
const lbMember = [...lbFx.membersByPool.values()][0]![0]!;
const itfOf = (node: string, ip: string) => fx.interfaces.get(node)!.find((i) => i.ip_addr === ip)!;

/** A pool member row that is the fixture pod at `ip` on `node`. */
const member = (uuid: string, node: string, ip: string, pod: string): MemberRow => {
  const itf = itfOf(node, ip);
  return {
    ...lbMember,
    uuid,
    poolUuid: 'pool-1',
    targetPort: 80,
    node,
    podIp: ip,
    pod: { uuid: itf.vm_uuid, name: pod, namespace: 'ns-user-1' },
    vmi: { uuid: itf.uuid, name: `${pod}__${itf.uuid}` },
  };
};

function explorerForService(lbUuid: string) {
  const members = [
    member('member-a', 'k8s-node1', '10.47.255.254', 'webserver-psx2dvdbbb-8v79p'),
    member('member-b', 'k8s-node2', '10.47.255.253', 'webserver-psx2dvdbbb-zj2nt'),
  ];
  return [
    http.get(`/api/explorer/loadbalancers/${lbUuid}/listeners`, () =>
      HttpResponse.json({ listeners: [{ ...lbListener, pools: [{ uuid: 'pool-1', name: 'pool-1' }] }] }),
    ),
    http.get('/api/explorer/pools/pool-1/members', () => HttpResponse.json({ members })),
  ];
}

// ---- Trace: URL state, announcements, disabled while disconnected ----------------------------

describe('trace form', () => {
  it('keeps its input in the URL, so a reload brings it back', async () => {
    const user = userEvent.setup();
    const { router, unmount } = renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    const port = within(form).getByRole('spinbutton', { name: 'Port' });
    await waitFor(() => expect((port as HTMLInputElement).value).toBe('8888'));
    await user.clear(port);
    await user.type(port, '9999');
    await user.type(within(form).getByRole('spinbutton', { name: 'Source port (optional)' }), '40001');
    const url = `${router.state.location.pathname}${router.state.location.search}`;
    expect(new URLSearchParams(router.state.location.search).get('port')).toBe('9999');
    unmount();
    renderApp(url);
    const again = await screen.findByRole('form', { name: 'Trace a packet' });
    expect((within(again).getByRole('spinbutton', { name: 'Port' }) as HTMLInputElement).value).toBe('9999');
    expect(
      (within(again).getByRole('spinbutton', { name: 'Source port (optional)' }) as HTMLInputElement).value,
    ).toBe('40001');
  });

  it('announces the result in a live region', async () => {
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    await waitFor(() =>
      expect((within(form).getByRole('textbox', { name: 'To IP' }) as HTMLInputElement).value).toBe(VIP),
    );
    await user.click(within(form).getByRole('button', { name: 'Trace' }));
    await waitFor(() =>
      expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain(
        'Trace: delivered to ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1 (10.47.255.254:80) via composite next hop 14 on k8s-node1, slot 0 of 3.',
      ),
    );
  });

  it('is disabled, with the reason, while disconnected, and keeps what was typed', async () => {
    const user = userEvent.setup();
    const { queryClient } = renderApp('/dataplane/k8s-node1?tab=trace&to=10.1.2.3');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    server.use(http.all('/api/*', () => HttpResponse.error()));
    await act(() => queryClient.refetchQueries());
    const button = within(form).getByRole('button', { name: 'Trace' });
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(true));
    expect(button.getAttribute('aria-describedby')).toBeTruthy();
    expect(document.getElementById(button.getAttribute('aria-describedby')!)!.textContent).toContain(
      'Disconnected from the server',
    );
    expect((within(form).getByRole('textbox', { name: 'To IP' }) as HTMLInputElement).value).toBe('10.1.2.3');
    await user.click(button);
    expect(screen.queryByRole('region', { name: 'Trace result' })).toBeNull();
  });
});

describe('traffic results', () => {
  it('sorts members by share with one-decimal percentages and totals per compute', async () => {
    const user = userEvent.setup();
    server.use(
      http.post('/api/dataplane/traffic', () =>
        HttpResponse.json({
          flows: 12,
          dropped: 1,
          reused: 0,
          members: [
            { pod: 'ns/a', node: 'n1', ip: '10.0.0.1', port: 80, flows: 1 },
            { pod: 'ns/b', node: 'n2', ip: '10.0.0.2', port: 80, flows: 7 },
            { pod: 'ns/c', node: 'n1', ip: '10.0.0.3', port: 80, flows: 3 },
          ],
        }),
      ),
    );
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Send traffic' });
    await user.click(within(form).getByRole('button', { name: /^Send \d+ flows$/ }));
    const result = await screen.findByRole('region', { name: 'Traffic result' });
    expect(
      within(result)
        .getAllByRole('meter')
        .map((m) => m.getAttribute('aria-label')),
    ).toEqual(['Flows to ns/b', 'Flows to ns/c', 'Flows to ns/a']);
    expect(result.textContent).toContain('7 (63.6%)');
    expect(result.textContent).toContain('1 (9.1%)');
    const totals = within(result).getByRole('table', { name: 'Flows per compute' });
    expect(within(totals).getAllByRole('row').slice(1).map(cellTexts)).toEqual([
      ['n2', '1', '7', '63.6%'],
      ['n1', '2', '4', '36.4%'],
    ]);
  });

  it('says source ports wrap past 64,512 flows', async () => {
    renderApp('/dataplane/k8s-node1?tab=trace&flows=100000');
    const form = await screen.findByRole('form', { name: 'Send traffic' });
    expect(form.textContent).toContain('they wrap after 64,512');
  });
});

// ---- Cluster controls: scoped, searchable, optimistic ----------------------------------------

describe('cluster controls scope', () => {
  it('shows the Service of the VIP in view, its Deployment and pods only, and finds others', async () => {
    const user = userEvent.setup();
    const { router } = renderApp(`/dataplane/k8s-node1?tab=nexthops&vip=${VIP}`);
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    await within(controls).findByText('ns-user-1/service-web-clusterip');
    expect(await within(controls).findByRole('form', { name: 'Scale ns-user-1/webserver' })).toBeTruthy();
    expect(within(controls).queryByRole('form', { name: 'Scale ns-user-1/client' })).toBeNull();
    expect(
      within(controls)
        .getAllByRole('checkbox')
        .filter((c) => c.getAttribute('role') !== 'switch')
        .map((c) => c.getAttribute('aria-label')),
    ).toEqual(['Ready: ns-user-1/webserver-psx2dvdbbb-8v79p', 'Ready: ns-user-1/webserver-psx2dvdbbb-zj2nt']);

    await user.type(within(controls).getByRole('searchbox', { name: 'Find another Service' }), 'client');
    await user.click(within(controls).getByRole('button', { name: 'ns-user-1/service-client' }));
    expect(new URLSearchParams(router.state.location.search).get('svc')).toBe('ns-user-1/service-client');
    expect(await within(controls).findByRole('form', { name: 'Scale ns-user-1/client' })).toBeTruthy();
    await waitFor(() =>
      expect(
        within(controls)
          .getAllByRole('checkbox')
          .filter((c) => c.getAttribute('role') !== 'switch')
          .map((c) => c.getAttribute('aria-label')),
      ).toEqual(['Ready: ns-user-1/client']),
    );
  });

  it('moves a readiness box at once, and back with the reason when the server refuses', async () => {
    const user = userEvent.setup();
    let answer!: (response: Response) => void;
    server.use(
      http.put(
        '/api/cluster/pods/:namespace/:name/readiness',
        () => new Promise<Response>((resolve) => (answer = resolve)),
      ),
    );
    renderApp(`/dataplane/k8s-node1?svc=${encodeURIComponent('ns-user-1/service-web-clusterip')}`);
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    const box = (await within(controls).findByRole('checkbox', {
      name: 'Ready: ns-user-1/webserver-psx2dvdbbb-zj2nt',
    })) as HTMLInputElement;
    expect(box.checked).toBe(true);
    await user.click(box);
    // Unchecked while the request is still out.
    await waitFor(() => expect(box.checked).toBe(false));
    await waitFor(() => expect(answer).toBeTypeOf('function'));
    answer(
      HttpResponse.json(
        { error: 'Conflict', detail: 'pod ns-user-1/webserver-psx2dvdbbb-zj2nt is terminating', status: 409 },
        { status: 409 },
      ),
    );
    await waitFor(() => expect(box.checked).toBe(true));
    expect(
      await within(controls).findByText(
        /Could not mark ns-user-1\/webserver-psx2dvdbbb-zj2nt not ready: Conflict \(409\) — pod .* is terminating\. It is back as it was\./,
      ),
    ).toBeTruthy();
  });
});
