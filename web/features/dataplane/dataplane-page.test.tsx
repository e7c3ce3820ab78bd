// @vitest-environment jsdom
// The Dataplane screen against the msw fixtures: the VIP /32 on its composite in the client's
// VRF, the CLI text, the composite graph with a hole, flows, trace and traffic results, and the
// cluster controls' requests (hidden when /api/cluster is 404).

import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { MemberRow } from '@model/explorer.ts';
import {
  buildDataplaneFixtures,
  COMPOSITE_NH,
  POD_VRF,
  SINGLE_MEMBER_VIP,
  VIP,
} from '@web/testing/dataplane-fixtures.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

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

describe('dataplane routes', () => {
  it('opens the first compute and the client VRF with the VIP /32 on its ECMP composite', async () => {
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
    expect((select as HTMLSelectElement).value).toBe('k8s-node1');
    const table = await screen.findByRole('table', { name: 'Routes in VRF 3' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => cellTexts(r)[0])).toEqual([
      '10.47.255.252/32',
      '10.47.255.253/32',
      '10.47.255.254/32',
      '10.105.53.64/32',
      '10.105.53.70/32',
    ]);
    expect(cellTexts(rows[3]!).slice(0, 6)).toEqual([
      '10.105.53.64/32',
      '32',
      'P',
      '-',
      '14',
      'ECMP Composite',
    ]);
    // The remote webserver: label valid, tunnel next hop with the remote VMI's label.
    expect(cellTexts(rows[1]!).slice(0, 6)).toEqual(['10.47.255.253/32', '32', 'LP', '16', '12', 'Tunnel']);
    expect(
      within(table).getByRole('link', { name: 'Next hop 14 of 10.105.53.64/32' }).getAttribute('href'),
    ).toBe(
      `/dataplane/k8s-node1?tab=nexthops&nh=14&vrf=${encodeURIComponent(fx.vrfs.get('k8s-node1')![2]!.name)}`,
    );
  });

  it('shows the exact rt --dump text and keeps the CLI view in the URL', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/dataplane/k8s-node1');
    await screen.findByRole('table', { name: 'Routes in VRF 3' });
    await user.click(screen.getByRole('button', { name: 'CLI' }));
    const pre = await screen.findByLabelText('rt --dump 3');
    expect(pre.tagName).toBe('PRE');
    expect(pre.textContent).toBe(fx.cli.rt.get('k8s-node1/3'));
    expect(router.state.location.search).toBe('?cli=1');
  });
});

describe('dataplane next hops', () => {
  it('draws the composite: VIP, slots with labels and next hops, the hole, and member pods', async () => {
    renderApp('/dataplane/k8s-node1?tab=nexthops&nh=14');
    // The graph is a lazy chunk (React Flow + dagre): its first import can be slow on a busy machine.
    const graph = await screen.findByRole(
      'figure',
      { name: 'Composite next hop 14 graph' },
      { timeout: 10_000 },
    );
    await waitFor(() => expect(within(graph).getAllByRole('group').length).toBe(7), { timeout: 5_000 });
    const names = within(graph)
      .getAllByRole('group')
      .map((g) => g.getAttribute('aria-label'));
    expect(names).toEqual([
      'VIP 10.105.53.64/32',
      'Composite next hop 14 with 3 slots',
      'Slot 0: label 17, Encap NH 11 → vif0/4',
      'Member of slot 0: ns-user-1/webserver-psx2dvdbbb-8v79p 10.47.255.254 tapeth0--8v79p on k8s-node1',
      'Slot 1: hole (-1)',
      'Slot 2: label 16, Tunnel NH 12 MPLSoUDP',
      'Member of slot 2: ns-user-1/webserver-psx2dvdbbb-zj2nt 10.47.255.253 k8s-node2 10.85.188.21',
    ]);
    expect(within(graph).getByRole('group', { name: 'Slot 1: hole (-1)' }).className).toContain(
      'dp-node-hole',
    );
    const pre = await screen.findByLabelText('nh --get 14');
    expect(pre.textContent).toContain('Sub NH(label): 11(17) -1 12(16)');
  });
});

describe('dataplane flows', () => {
  it('lists flow -l rows with index<=>reverse, NAT action and the ECMP slot, and filters them', async () => {
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=flows');
    const table = await screen.findByRole('table', { name: 'Flows on k8s-node1' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map(cellTexts)).toEqual([
      [
        '94488<=>157452',
        '10.47.255.254:80',
        '10.47.255.252:52608',
        '6 (3)',
        'N(SPs)',
        '',
        'K(nh):11 S(nh):11',
        'S',
        '0/0',
      ],
      [
        '157452<=>94488',
        '10.47.255.252:52608',
        '10.105.53.64:8888',
        '6 (3)',
        'N(DPd)',
        'E:0',
        'K(nh):10 S(nh):10',
        'S',
        '1/64',
      ],
    ]);
    await user.type(screen.getByRole('searchbox', { name: 'Filter flows' }), 'e:0');
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(2));
    expect(screen.getByText('1 of 2 flows match')).toBeTruthy();
  });
});

describe('dataplane trace and traffic', () => {
  it('traces client → VIP:8888 and shows slot, hash, member and the flows per node', async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.url.endsWith('/api/dataplane/trace')) bodies.push(await request.clone().json());
    });
    renderApp('/dataplane/k8s-node1?tab=trace');
    const form = await screen.findByRole('form', { name: 'Trace a packet' });
    await waitFor(() =>
      expect((within(form).getByRole('textbox', { name: 'To IP' }) as HTMLInputElement).value).toBe(
        '10.105.53.64',
      ),
    );
    expect((within(form).getByRole('combobox', { name: 'From pod' }) as HTMLSelectElement).value).toBe(
      'ns-user-1/client',
    );
    await user.type(within(form).getByRole('spinbutton', { name: 'Source port (optional)' }), '40001');
    await user.click(within(form).getByRole('button', { name: 'Trace' }));
    const result = await screen.findByRole('region', { name: 'Trace result' });
    expect(result.textContent).toContain('Delivered');
    expect(result.textContent).toContain('Composite NH 14 slot 0 of 3 (hash 47958324391492 % 3)');
    expect(result.textContent).toContain(
      'ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1, 10.47.255.254:80',
    );
    const flows = within(result).getByRole('table', { name: 'Trace flows on k8s-node1' });
    expect(
      within(flows)
        .getAllByRole('row')
        .slice(1)
        .map((r) => cellTexts(r)[5]),
    ).toEqual(['N(DPd)', 'N(SPs)']);
    expect(bodies).toEqual([
      { from: 'ns-user-1/client', to: '10.105.53.64', protocol: 'TCP', port: 8888, sourcePort: 40001 },
    ]);
    server.events.removeAllListeners();
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
    // One decimal: 6/11 and 5/11.
    expect(result.textContent).toContain('6 (54.5%)');
    expect(result.textContent).toContain('5 (45.5%)');
  });
});

function gone(): Response {
  return HttpResponse.json(
    { error: 'Not Found', detail: 'Route GET:/api/cluster/deployments not found', status: 404 },
    { status: 404 },
  );
}

describe('cluster controls', () => {
  it('scales a Deployment and toggles pod readiness with the right request bodies', async () => {
    const user = userEvent.setup();
    const calls: { url: string; body: unknown }[] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'PUT')
        calls.push({ url: new URL(request.url).pathname, body: await request.clone().json() });
    });
    renderApp(`/dataplane/k8s-node1?svc=${encodeURIComponent('ns-user-1/service-web-clusterip')}`);
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    const scale = await within(controls).findByRole('form', { name: 'Scale ns-user-1/webserver' });
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
    server.events.removeAllListeners();
  });

  it('is hidden when the UI server has no embedded cluster (404)', async () => {
    server.use(http.get('/api/cluster/deployments', gone), http.get('/api/cluster/pods', gone));
    renderApp('/dataplane/k8s-node1');
    await screen.findByRole('table', { name: 'Routes in VRF 3' });
    expect(screen.queryByRole('complementary', { name: 'Cluster controls' })).toBeNull();
  });
});

// ---- Next hops named, "Show in dataplane", the slot table and its links ----------------------

const lbFx = buildFixtures();
const lbListener = [...lbFx.listenersByLb.values()][0]![0]!;
const lbMember = [...lbFx.membersByPool.values()][0]![0]!;
const itfOf = (node: string, ip: string) => fx.interfaces.get(node)!.find((i) => i.ip_addr === ip)!;

/** The explorer's answer for the fixture Service's load balancer, with members that are these pods. */
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

describe('next hops with names', () => {
  it('says what each next hop leads to: VIP and Service, pod, compute', async () => {
    renderApp('/dataplane/k8s-node1?tab=nexthops');
    const table = await screen.findByRole('table', { name: 'Next hops on k8s-node1' });
    const row = (id: number) =>
      within(table)
        .getByRole('button', { name: `Next hop ${id}` })
        .closest('tr') as HTMLElement;
    await waitFor(() => expect(row(COMPOSITE_NH).textContent).toContain('ns-user-1/service-web-clusterip'));
    expect(cellTexts(row(COMPOSITE_NH))).toEqual([
      '14',
      'Composite 3 slots, 1 holek8s-default-pod-network',
      '10.105.53.64/32 ns-user-1/service-web-clusterip',
    ]);
    expect(cellTexts(row(10))[2]).toBe('pod ns-user-1/client 10.47.255.252');
    expect(cellTexts(row(12))[2]).toBe('compute k8s-node2');
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
      within(detail).getByRole('link', { name: 'ns-user-1/service-web-clusterip' }).getAttribute('href'),
    ).toBe('/loadbalancers/uid-svc-1');
    const slots = within(detail).getByRole('table', { name: `Slots of composite next hop ${COMPOSITE_NH}` });
    await waitFor(() => expect(within(slots).getAllByRole('link', { name: /^Member / })).toHaveLength(2));
    const rows = within(slots).getAllByRole('row').slice(1);
    expect(rows.map(cellTexts)).toEqual([
      ['0', '17', 'Encap 11', '10.47.255.254:80', 'ns-user-1/webserver-psx2dvdbbb-8v79p', 'k8s-node1', ''],
      ['1', '-1', '—', '—', '—', '—', 'hole (-1)'],
      ['2', '16', 'Tunnel 12', '10.47.255.253:80', 'ns-user-1/webserver-psx2dvdbbb-zj2nt', 'k8s-node2', ''],
    ]);
    expect(within(rows[0]!).getByRole('link', { name: 'Member 10.47.255.254:80' }).getAttribute('href')).toBe(
      '/members/member-a',
    );
    expect(
      within(rows[2]!)
        .getByRole('link', { name: 'ns-user-1/webserver-psx2dvdbbb-zj2nt' })
        .getAttribute('href'),
    ).toBe(`/objects/virtual-machine/${itfOf('k8s-node2', '10.47.255.253').vm_uuid}`);
    // The member the page was opened for is picked out.
    expect(rows[2]!.className).toBe('is-picked');
    // The graph's member nodes carry the same links.
    const graph = await screen.findByRole(
      'figure',
      { name: `Composite next hop ${COMPOSITE_NH} graph` },
      { timeout: 10_000 },
    );
    await waitFor(() => expect(within(graph).getAllByRole('link', { name: /^Member / })).toHaveLength(2), {
      timeout: 5_000,
    });
    expect(
      within(graph).getByRole('link', { name: 'Pod ns-user-1/webserver-psx2dvdbbb-8v79p' }),
    ).toBeTruthy();
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
    await user.click(screen.getByRole('button', { name: 'Next hop 12' }));
    const search = new URLSearchParams(router.state.location.search);
    expect([search.get('nh'), search.get('vip')]).toEqual(['12', null]);
  });
});

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
        'Trace: delivered to ns-user-1/webserver-psx2dvdbbb-8v79p on k8s-node1 (10.47.255.254:80) via composite next hop 14, slot 0 of 3.',
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
    expect(within(controls).getByRole('form', { name: 'Scale ns-user-1/webserver' })).toBeTruthy();
    expect(within(controls).queryByRole('form', { name: 'Scale ns-user-1/client' })).toBeNull();
    expect(
      within(controls)
        .getAllByRole('checkbox')
        .map((c) => c.getAttribute('aria-label')),
    ).toEqual(['Ready: ns-user-1/webserver-psx2dvdbbb-8v79p', 'Ready: ns-user-1/webserver-psx2dvdbbb-zj2nt']);

    await user.type(within(controls).getByRole('searchbox', { name: 'Find another Service' }), 'client');
    await user.click(within(controls).getByRole('button', { name: 'ns-user-1/service-client' }));
    expect(new URLSearchParams(router.state.location.search).get('svc')).toBe('ns-user-1/service-client');
    expect(await within(controls).findByRole('form', { name: 'Scale ns-user-1/client' })).toBeTruthy();
    expect(
      within(controls)
        .getAllByRole('checkbox')
        .map((c) => c.getAttribute('aria-label')),
    ).toEqual(['Ready: ns-user-1/client']);
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
