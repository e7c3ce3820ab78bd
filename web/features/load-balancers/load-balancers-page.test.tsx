// @vitest-environment jsdom
// The load balancer page against msw fixtures: grid rows, filter, tree expansion down to members,
// the detail panel's views and JSON drill-down, keyboard, URL state and error states.

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { createHandlers, upstreamDownHandlers } from '@web/testing/handlers.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

useMswServer();

const fx = buildFixtures();
const clusterIp = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip')!;
const multiPort = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip-mp')!;
const listener = fx.listenersByLb.get(clusterIp.uuid)![0]!;
const pool = fx.poolsByListener.get(listener.uuid)![0]!;

/** The row of the last button named `Expand <name>` (a pool is named like its listener). */
function rowOf(name: string) {
  return screen
    .getAllByRole('button', { name: `Expand ${name}` })
    .at(-1)!
    .closest('[role="row"]') as HTMLElement;
}

async function lastButton(name: string) {
  return (await screen.findAllByRole('button', { name })).at(-1)!;
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
      '▸LBns-user-1__service-web-clusterip',
      '10.105.53.64',
      'native',
      'TCP:8888',
      '2/2',
      'ONLINE',
      'ACTIVE',
      'Up',
      'ns-user-1',
    ]);
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

  it('expands LB → listener → pool → members with pod, node, pod IP and VMI', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' }));
    expect(rowOf('ns-user-1__service-web-clusterip')).toHaveProperty('ariaExpanded', 'true');
    await user.click(await screen.findByRole('button', { name: `Expand ${listener.displayName}` }));
    await waitFor(() =>
      expect(screen.getAllByRole('button', { name: `Expand ${pool.displayName}` })).toHaveLength(2),
    );
    await user.click(await lastButton(`Expand ${pool.displayName}`));
    await screen.findByRole('button', { name: `Expand ${fx.membersByPool.get(pool.uuid)![0]!.displayName}` });
    const members = fx.membersByPool.get(pool.uuid)!;
    const memberRow = rowOf(members[0]!.displayName);
    expect(memberRow.getAttribute('aria-level')).toBe('4');
    expect(memberRow.textContent).toContain('targetPort 80');
    expect(memberRow.textContent).toContain('ns-user-1/web-7d9c5b-abcde');
    expect(memberRow.textContent).toContain('node node-1');
    expect(memberRow.textContent).toContain('10.47.255.251');
    expect(memberRow.textContent).toContain('web-7d9c5b-abcde__vmi');
    expect(router.state.location.search).toBe(
      `?open=${encodeURIComponent(`lb.${clusterIp.uuid},ls.${listener.uuid},pl.${pool.uuid}`)}`,
    );
  });

  it('shows the Advanced JSON view and opens the listener inline with +', async () => {
    const user = userEvent.setup();
    renderApp('/');
    await user.click(await screen.findByRole('button', { name: 'Expand ns-user-1__service-web-clusterip' }));
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

  it('restores expansion and the JSON view from a pasted URL', async () => {
    renderApp(`/loadbalancers?open=lb.${multiPort.uuid}&json=${multiPort.uuid}`);
    const panel = await screen.findByRole('region', { name: `Details of loadbalancer ${multiPort.uuid}` });
    expect(
      within(panel).getByRole('button', { name: 'Advanced JSON view' }).getAttribute('aria-pressed'),
    ).toBe('true');
    const listeners = fx.listenersByLb.get(multiPort.uuid)!;
    for (const l of listeners)
      expect(await screen.findByRole('button', { name: `Expand ${l.displayName}` })).toBeTruthy();
    expect(listeners.map((l) => l.port)).toEqual([8888, 9999]);
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
    expect(await screen.findByRole('button', { name: `Expand ${listener.displayName}` })).toBeTruthy();
    await user.keyboard('{ArrowLeft}');
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: `Expand ${listener.displayName}` })).toBeNull(),
    );
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

  it('says the config API is unreachable when the proxy answers 502', async () => {
    server.use(...upstreamDownHandlers());
    renderApp('/');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The config API is unreachable (502)');
    expect(alert.textContent).toContain('ECONNREFUSED');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });
});
