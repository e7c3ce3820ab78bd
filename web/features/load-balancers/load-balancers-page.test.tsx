// @vitest-environment jsdom
// The load balancer page against msw fixtures: grid rows, filter, compact tree expansion down to
// members with readable names, details on demand with their views and JSON drill-down, keyboard
// (links in reach, Space, Enter, focus back after Back), URL state and error states.

import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { createHandlers, upstreamDownHandlers } from '@web/testing/handlers.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

useMswServer();
// Many user events per test: a busy machine needs more than the default 5 s.
vi.setConfig({ testTimeout: 20_000 });

const fx = buildFixtures();
const clusterIp = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip')!;
const multiPort = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip-mp')!;
const listener = fx.listenersByLb.get(clusterIp.uuid)![0]!;
const pool = fx.poolsByListener.get(listener.uuid)![0]!;
const members = fx.membersByPool.get(pool.uuid)!;

/** The row holding the button `Details of <name>` (every row has one). */
function rowOf(name: string) {
  return screen.getByRole('button', { name: `Details of ${name}` }).closest('[role="row"]') as HTMLElement;
}

async function expandAll(user: ReturnType<typeof userEvent.setup>) {
  await user.click(await screen.findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' }));
  await user.click(await screen.findByRole('button', { name: 'Expand listener TCP:8888' }));
  await user.click(await screen.findByRole('button', { name: 'Expand pool TCP:8888' }));
  await screen.findByRole('button', { name: 'Details of member web-7d9c5b-abcde 10.47.255.251:80 @node-1' });
}

describe('load balancers page', () => {
  it('lists load balancers as treegrid rows with VIP, provider, listeners and members', async () => {
    renderApp('/');
    const grid = await screen.findByRole('treegrid', { name: 'Load balancers' });
    await within(grid).findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' });
    const row = rowOf('ns-user-1__service-web-clusterip');
    expect(row).toHaveProperty('ariaExpanded', 'false');
    const cells = within(row)
      .getAllByRole('gridcell')
      .map((c) => c.textContent);
    expect(cells).toEqual([
      '▸LBns-user-1__service-web-clusteripi',
      '10.105.53.64',
      'native',
      'TCP:8888',
      '2/2',
      'ONLINE',
      'Up',
      // Dataplane: the VIP's topology, and no drift flag while the check finds it consistent.
      'ECMP',
    ]);
    // The namespace is set apart from the Service, whose end stays visible when space is short.
    const name = within(row).getByRole('link', { name: 'ns-user-1__service-web-clusterip' });
    expect(name.querySelector('.lb-ns')?.textContent).toBe('ns-user-1__');
    expect(name.querySelector('.mid-tail')?.textContent).toBe('-clusterip');
    expect(within(rowOf('ns-user-1__service-web-clusterip-mp')).getByText('TCP:8888, TCP:9999')).toBeTruthy();
    expect(screen.getByRole('status', { name: '' }).textContent).toContain('2 load balancers');
  });

  it('filters by name with - and _ runs treated alike, by VIP, and says when nothing matches', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' });
    const filter = screen.getByRole('searchbox', { name: 'Filter load balancers' });
    await user.type(filter, 'ns-user-1-service-web-clusterip-mp');
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' })).toBeNull(),
    );
    expect(screen.getByRole('button', { name: 'Expand ns-user-1__service-web-clusterip-mp' })).toBeTruthy();
    await user.clear(filter);
    await user.type(filter, '10.105.53.64');
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Expand ns-user-1__service-web-clusterip-mp' })).toBeNull(),
    );
    expect(screen.getByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' })).toBeTruthy();
    await user.clear(filter);
    await user.type(filter, 'no-such-service');
    expect(await screen.findByText('No load balancers match “no-such-service”.')).toBeTruthy();
  });

  it('expands LB → listener → pool → members with readable names and no details in the way', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/');
    await expandAll(user);
    expect(rowOf('ns-user-1__service-web-clusterip')).toHaveProperty('ariaExpanded', 'true');
    // Listener and pool are named by protocol:port, not by kube-manager's 100-character name.
    expect(within(rowOf('listener TCP:8888')).getByRole('link', { name: 'TCP:8888' })).toBeTruthy();
    expect(within(rowOf('pool TCP:8888')).getByRole('link', { name: 'TCP:8888' })).toBeTruthy();
    // Members by pod, IP:port and node; leaves carry no aria-expanded.
    const memberRow = rowOf('member web-7d9c5b-abcde 10.47.255.251:80 @node-1');
    expect(memberRow.getAttribute('aria-level')).toBe('4');
    expect(memberRow.hasAttribute('aria-expanded')).toBe(false);
    expect(within(memberRow).getAllByRole('gridcell')[0]!.textContent).toBe(
      'memberweb-…abcde10.47.255.251:80@node-1i',
    );
    expect(
      within(memberRow).getByRole('link', { name: 'ns-user-1/web-7d9c5b-abcde' }).getAttribute('href'),
    ).toBe(`/objects/virtual-machine/${members[0]!.pod!.uuid}`);
    expect(within(memberRow).getByRole('link', { name: 'web-7d9c5b-abcde__vmi' })).toBeTruthy();
    // Expanding opened no details: every row is a node row.
    expect(screen.queryByRole('region', { name: /^Details of / })).toBeNull();
    expect(router.state.location.search).toBe(
      `?open=${encodeURIComponent(`lb.${clusterIp.uuid},ls.${listener.uuid},pl.${pool.uuid}`)}`,
    );
  });

  it('opens details on demand and keeps them in the URL', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/');
    const details = await screen.findByRole('button', {
      name: 'Details of ns-user-1__service-web-clusterip',
    });
    expect(details.getAttribute('aria-expanded')).toBe('false');
    await user.click(details);
    const panel = await screen.findByRole('region', { name: `Details of loadbalancer ${clusterIp.uuid}` });
    expect(details.getAttribute('aria-expanded')).toBe('true');
    // Details are not an expansion: the LB's listeners stay hidden.
    expect(rowOf('ns-user-1__service-web-clusterip').getAttribute('aria-expanded')).toBe('false');
    expect(within(panel).getByText('VIP').nextElementSibling?.textContent).toBe('10.105.53.64');
    expect(router.state.location.search).toBe(`?details=${clusterIp.uuid}`);
    await user.click(details);
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: /^Details of loadbalancer/ })).toBeNull(),
    );
  });

  it(
    'offers "Show in dataplane" from an LB, a listener and a member, on a chosen compute',
    { timeout: 20_000 },
    async () => {
      const user = userEvent.setup();
      renderApp('/');
      await expandAll(user);
      await user.click(screen.getByRole('button', { name: 'Details of ns-user-1__service-web-clusterip' }));
      const lbShow = await screen.findByRole('link', { name: 'Show 10.105.53.64 in dataplane' });
      expect(lbShow.getAttribute('href')).toBe(
        `/dataplane/k8s-node1?tab=nexthops&vip=10.105.53.64&lb=${clusterIp.uuid}&svc=${encodeURIComponent('ns-user-1/service-web-clusterip')}`,
      );
      const picker = screen.getByRole('group', { name: 'Show in dataplane' });
      await user.selectOptions(within(picker).getByRole('combobox', { name: 'Compute' }), 'k8s-node2');
      expect(lbShow.getAttribute('href')).toMatch(/^\/dataplane\/k8s-node2\?/);
      await user.click(screen.getByRole('button', { name: 'Details of ns-user-1__service-web-clusterip' }));

      await user.click(screen.getByRole('button', { name: 'Details of listener TCP:8888' }));
      expect(
        (await screen.findByRole('link', { name: 'Show 10.105.53.64 in dataplane' })).getAttribute('href'),
      ).toContain('vip=10.105.53.64');
      await user.click(screen.getByRole('button', { name: 'Details of listener TCP:8888' }));

      // A member opens on its own compute with its pod picked out (node-1 is no compute here: the first).
      await user.click(
        screen.getByRole('button', { name: 'Details of member web-7d9c5b-abcde 10.47.255.251:80 @node-1' }),
      );
      const memberShow = await screen.findByRole('link', { name: 'Show 10.105.53.64 in dataplane' });
      expect(new URL(memberShow.getAttribute('href')!, 'http://x').searchParams.get('pod')).toBe(
        'ns-user-1/web-7d9c5b-abcde',
      );
    },
  );

  it('names a member page by pod, IP:port and node, with its backend and readable breadcrumbs', async () => {
    const member = members[0]!;
    renderApp(`/members/${member.uuid}`);
    const heading = await screen.findByRole('heading', { level: 1 });
    await waitFor(() =>
      expect(heading.textContent).toBe('loadbalancer-member web-7d9c5b-abcde 10.47.255.251:80 @node-1'),
    );
    const crumbs = screen.getByRole('navigation', { name: 'Breadcrumb' });
    await waitFor(
      () =>
        expect(
          within(crumbs)
            .getAllByRole('link')
            .map((a) => a.textContent),
        ).toEqual(['Load balancers', 'ns-user-1__service-web-clusterip', 'TCP:8888', 'TCP:8888']),
      // Four GETs one after the other: member → pool → listener → load balancer.
      { timeout: 5_000 },
    );
    const backend = screen.getByRole('heading', { name: 'Backend' }).parentElement!;
    expect(
      within(backend).getByRole('link', { name: 'ns-user-1/web-7d9c5b-abcde' }).getAttribute('href'),
    ).toBe(`/objects/virtual-machine/${member.pod!.uuid}`);
    expect(within(backend).getByText('node-1')).toBeTruthy();
    expect(within(backend).getByText('10.47.255.251:80')).toBeTruthy();
    expect(within(backend).getByRole('link', { name: 'web-7d9c5b-abcde__vmi' })).toBeTruthy();
    // The pod's virtual-machine reference is named, not a bare uuid.
    await screen.findByRole('link', { name: 'k8s__ns-user-1__web-7d9c5b-abcde' });
  });

  it('shows the Advanced JSON view and opens the listener inline with +', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await user.click(
      await screen.findByRole('button', { name: 'Details of ns-user-1__service-web-clusterip' }),
    );
    const panel = await screen.findByRole('region', { name: `Details of loadbalancer ${clusterIp.uuid}` });
    expect(within(panel).getByRole('button', { name: 'Basic view' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    const vip = await within(panel).findByText('VIP');
    expect(vip.nextElementSibling?.textContent).toBe('10.105.53.64');
    await user.click(within(panel).getByRole('button', { name: 'Advanced JSON view' }));
    const json = await within(panel).findByRole('region', { name: `JSON of loadbalancer ${clusterIp.uuid}` });
    expect(within(json).getByText('"10.105.53.64"')).toBeTruthy();
    expect(within(json).getByText('"native"')).toBeTruthy();
    await user.click(
      within(json).getByRole('button', { name: `Expand loadbalancer-listener ${listener.uuid}` }),
    );
    const nested = await within(json).findByLabelText(`loadbalancer-listener ${listener.uuid}`);
    expect(within(nested).getByText('protocol_port:')).toBeTruthy();
    expect(within(nested).getByText('8888')).toBeTruthy();
    expect(
      within(json)
        .getByRole('link', { name: `Open loadbalancer-listener ${listener.uuid}` })
        .getAttribute('href'),
    ).toBe(`/listeners/${listener.uuid}`);
    // Recursively: the listener's pool back-ref opens the pool, whose children are the members.
    await user.click(within(nested).getByRole('button', { name: `Expand loadbalancer-pool ${pool.uuid}` }));
    const poolJson = await within(nested).findByLabelText(`loadbalancer-pool ${pool.uuid}`);
    const memberUuid = fx.membersByPool.get(pool.uuid)![0]!.uuid;
    expect(
      within(poolJson).getByRole('button', { name: `Expand loadbalancer-member ${memberUuid}` }),
    ).toBeTruthy();
  });

  it('restores expansion, details and the JSON view from a pasted URL', async () => {
    renderApp(`/loadbalancers?open=lb.${multiPort.uuid}&details=${multiPort.uuid}&json=${multiPort.uuid}`);
    const panel = await screen.findByRole('region', { name: `Details of loadbalancer ${multiPort.uuid}` });
    expect(
      within(panel).getByRole('button', { name: 'Advanced JSON view' }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await screen.findByRole('button', { name: 'Expand listener TCP:8888' })).toBeTruthy();
    expect(await screen.findByRole('button', { name: 'Expand listener TCP:9999' })).toBeTruthy();
    // A named Service port shows its name beside protocol:port.
    expect(within(rowOf('listener TCP:9999')).getByText('port2')).toBeTruthy();
  });

  it('moves with ↑/↓, expands with → and collapses with ←', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' });
    // fq_name order: `…clusterip-mp__<uid>` sorts before `…clusterip__<uid>`.
    rowOf('ns-user-1__service-web-clusterip-mp').focus();
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(document.activeElement).toBe(rowOf('ns-user-1__service-web-clusterip')));
    await user.keyboard('{ArrowUp}');
    await waitFor(() => expect(document.activeElement).toBe(rowOf('ns-user-1__service-web-clusterip-mp')));
    await user.keyboard('{ArrowDown}');
    await user.keyboard('{ArrowRight}');
    await waitFor(() =>
      expect(rowOf('ns-user-1__service-web-clusterip').getAttribute('aria-expanded')).toBe('true'),
    );
    expect(await screen.findByRole('button', { name: 'Expand listener TCP:8888' })).toBeTruthy();
    await user.keyboard('{ArrowLeft}');
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Expand listener TCP:8888' })).toBeNull(),
    );
    // Space opens the details of the active row.
    await user.keyboard(' ');
    expect(
      await screen.findByRole('region', { name: `Details of loadbalancer ${clusterIp.uuid}` }),
    ).toBeTruthy();
  });

  it("puts the active row's links in the Tab order, and only that row's", async () => {
    const user = userEvent.setup();
    renderApp('/');
    await expandAll(user);
    const memberRow = rowOf('member web-7d9c5b-abcde 10.47.255.251:80 @node-1');
    const podLink = within(memberRow).getByRole('link', { name: 'ns-user-1/web-7d9c5b-abcde' });
    expect(podLink.tabIndex).toBe(-1);
    memberRow.focus();
    await waitFor(() => expect(podLink.tabIndex).toBe(0));
    await user.tab();
    expect(document.activeElement).toBe(
      within(memberRow).getByRole('link', { name: /^web-7d9c5b-abcde 10\.47/ }),
    );
    await user.tab();
    expect(document.activeElement).toBe(
      within(memberRow).getByRole('button', { name: /^Details of member/ }),
    );
    await user.tab();
    expect(document.activeElement).toBe(podLink);
    await user.tab();
    expect(document.activeElement).toBe(
      within(memberRow).getByRole('link', { name: 'web-7d9c5b-abcde__vmi' }),
    );
  });

  it('returns focus to the row that was left when coming Back', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/loadbalancers');
    await screen.findByRole('button', { name: 'Details of ns-user-1__service-web-clusterip' });
    rowOf('ns-user-1__service-web-clusterip').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(router.state.location.pathname).toBe(`/loadbalancers/${clusterIp.uuid}`));
    await act(() => router.navigate(-1));
    await waitFor(() => expect(document.activeElement).toBe(rowOf('ns-user-1__service-web-clusterip')));
  });

  it('focuses the filter with /', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await screen.findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' });
    await user.keyboard('/');
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Filter load balancers' }));
  });

  it('streams every page of a large list behind the first', { timeout: 20_000 }, async () => {
    server.use(...createHandlers(buildFixtures(undefined, 1150)));
    renderApp('/');
    await waitFor(() => expect(screen.getByText('1152 load balancers')).toBeTruthy(), { timeout: 15_000 });
    // Virtualized: one screen of rows is in the DOM, not 1152.
    expect(screen.getAllByRole('row').length).toBeLessThan(80);
  });

  it('says the config API is unreachable when the proxy answers 502, once', async () => {
    server.use(...upstreamDownHandlers());
    renderApp('/');
    const alert = (await screen.findByText(/^Disconnected —/)).closest<HTMLElement>('[role="alert"]')!;
    expect(alert.textContent).toContain('The config API is unreachable (502)');
    expect(alert.textContent).toContain('ECONNREFUSED');
    expect(within(alert).getByRole('button', { name: 'Retry now' })).toBeTruthy();
    expect(screen.getAllByRole('alert')).toHaveLength(1);
  });
});
