// @vitest-environment jsdom
// The Dataplane screen against the msw fixtures: the VIP /32 on its composite in the client's
// VRF, the CLI text, the composite graph with a hole, flows, trace and traffic results, and the
// cluster controls' requests (hidden when /api/cluster is 404).

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDataplaneFixtures } from '@web/testing/dataplane-fixtures.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

useMswServer();

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
    expect(result.textContent).toContain('11 flows sent: 0 dropped');
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
    renderApp('/dataplane/k8s-node1');
    const controls = await screen.findByRole('complementary', { name: 'Cluster controls' });
    const scale = within(controls).getByRole('form', { name: 'Scale ns-user-1/webserver' });
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
