// @vitest-environment jsdom
// The ECMP topology screen against the msw handlers: the seed VIP on every compute (route,
// composite with its hole, the tunnel to the other compute and the member it reaches, flow shares),
// the graph and its table alternative; a VIP at real scale (100 computes × 100 members) with every
// compute closed to one line and opened on a click that the URL keeps; a compute that does not
// answer; and a link that gives no VIP.

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { dataplaneApi } from '@model/api/paths.ts';
import { VIP } from '@web/testing/dataplane-fixtures.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';
import { scaleTopology } from '@web/testing/scale-fixtures.ts';

useMswServer();
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

/** The explorer fixtures' load balancer of the seed Service: its VIP is the dataplane fixtures' VIP. */
const LB = buildFixtures().loadBalancers.find((lb) => lb.vip === VIP)!;

const cellTexts = (row: HTMLElement) =>
  within(row)
    .queryAllByRole('cell')
    .map((c) => c.textContent ?? '');

describe('ECMP topology', () => {
  it("draws a load balancer's VIP on every compute: composite, hole, tunnel and the member it reaches", async () => {
    renderApp(`/topology?lb=${LB.uuid}`);
    expect(await screen.findByRole('heading', { name: `ECMP topology of ${VIP}` })).toBeTruthy();
    const table = await screen.findByRole('table', { name: `Slots of ${VIP} by compute` });
    const rows = within(table).getAllByRole('row').slice(1);
    // Two computes, both with the VIP; small enough that both start open.
    expect(rows.map((r) => cellTexts(r).join(' | '))).toEqual([
      '▾k8s-node1 10.85.188.20 NH 14 · 3 slots: 1 local, 1 tunnels, 1 holes · 1 flows (50.0%) open on k8s-node1',
      '0 | 17 | Encap 11 | — | ns-user-1/webserver-psx2dvdbbb-8v79p | k8s-node1 |  | 1 flows (100.0%)',
      '1 | -1 | — | — | — | — | hole (-1) | ',
      '2 | 16 | Tunnel 12 | — | ns-user-1/webserver-psx2dvdbbb-zj2nt | k8s-node2 |  | 0 flows (0.0%)',
      '▾k8s-node2 10.85.188.21 NH 13 · 2 slots: 1 local, 1 tunnels · 1 flows (50.0%) open on k8s-node2',
      // Its tunnel carries the label of the member on k8s-node1.
      '0 | 17 | Tunnel 11 | — | ns-user-1/webserver-psx2dvdbbb-8v79p | k8s-node1 |  | 1 flows (100.0%)',
      '1 | 16 | Encap 10 | — | ns-user-1/webserver-psx2dvdbbb-zj2nt | k8s-node2 |  | 0 flows (0.0%)',
    ]);
    // Each compute's composite opens on its own Dataplane page, with the VIP and load balancer.
    expect(within(rows[0]!).getByRole('link', { name: 'open on k8s-node1' }).getAttribute('href')).toBe(
      `/dataplane/k8s-node1?tab=nexthops&vip=${VIP}&lb=${LB.uuid}`,
    );
    expect(screen.getAllByRole('link', { name: LB.displayName }).length).toBeGreaterThan(0);
    // The graph (a lazy chunk) with its zoom controls.
    const graph = await screen.findByRole('figure', { name: `ECMP topology of ${VIP}` }, { timeout: 10_000 });
    expect(within(graph).getByRole('button', { name: /fit view/i })).toBeTruthy();
  });

  it('keeps 100 computes × 100 members to one line per compute until one is opened, and keeps it in the URL', async () => {
    const big = scaleTopology({ computes: 100, members: 100, unreachable: [7] });
    server.use(http.get(dataplaneApi.topology.pattern, () => HttpResponse.json(big)));
    const user = userEvent.setup();
    const { router } = renderApp(`/topology?vip=${big.vip}&port=80`);
    const table = await screen.findByRole('table', { name: `Slots of ${big.vip} by compute` });
    expect(table.getAttribute('aria-rowcount')).toBe('101');
    // The table is virtualized and the computes closed: the whole page stays far below 1,000 nodes.
    await screen.findByRole('figure', { name: `ECMP topology of ${big.vip}:80` }, { timeout: 10_000 });
    expect(document.body.querySelectorAll('*').length).toBeLessThan(1000);
    expect(screen.getByText('Computes').parentElement!.textContent).toBe(
      'Computes 100: 99 with the VIP, 1 unreachable',
    );
    const down = within(table)
      .getAllByRole('row')
      .find((r) => r.textContent?.includes('compute-007'))!;
    expect(down.textContent).toContain('unreachable: connect ECONNREFUSED 10.85.0.8:8085');
    expect(within(down).queryByRole('button')).toBeNull();

    await user.click(within(table).getByRole('button', { name: 'Open compute-001' }));
    await waitFor(() =>
      expect(new URLSearchParams(router.state.location.search).get('open')).toBe('compute-001'),
    );
    // compute-001 holds member 1 locally and a tunnel to each other compute that answers.
    const opened = within(table)
      .getAllByRole('row')
      .filter((r) => /^\d+ \| /.test(cellTexts(r).join(' | ')));
    expect(cellTexts(opened[0]!).slice(0, 2)).toEqual(['0', '101']);
    expect(
      within(table).getByRole('button', { name: 'Close compute-001' }).getAttribute('aria-expanded'),
    ).toBe('true');
  });

  it('says when the link gives no VIP', async () => {
    renderApp('/topology');
    expect((await screen.findByRole('alert')).textContent).toContain('No VIP given');
  });
});
