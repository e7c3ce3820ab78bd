// @vitest-environment jsdom
// Drift against the msw handlers, whose kube-manager can be paused (a readiness change made while
// it is paused is drift until it resumes): the drift list and its kube-manager switch, the flag on
// the load balancer's row naming the first broken link, the Consistency section of its page, and
// the drift clearing on resume; a server without the check says so.

import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import type { ConsistencyReport } from '@model/api/dataplane-views.ts';
import { consistencyApi } from '@model/api/paths.ts';
import { setPodReadiness } from '@web/api/cluster.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

useMswServer();
vi.setConfig({ testTimeout: 20_000 });

const SEED_LB = 'ns-user-1__service-web-clusterip';
const LB = buildFixtures().loadBalancers.find((lb) => lb.displayName === SEED_LB)!;
const POD = 'webserver-psx2dvdbbb-8v79p';
/** The first broken link as the server words it: the member stays while its pod is no ready endpoint. */
const BROKEN = new RegExp(
  `pool members: member \\S+ of pool \\S+ \\(pod ns-user-1/${POD} \\([\\d.]+\\)\\) is not a ready endpoint of Service ns-user-1/service-web-clusterip`,
);

/** A UI server without a dataplane behind it has no consistency check. */
const notServed = () =>
  HttpResponse.json({ error: 'Not Found', detail: 'no dataplane here', status: 404 }, { status: 404 });

describe('drift', () => {
  it('appears while kube-manager is paused and a pod goes not ready, on the list, the row and the page, and clears on resume', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/drift');
    expect(await screen.findByRole('heading', { name: 'Drift', level: 1 })).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByText(/^No drift: all 2 load balancers are consistent/)).toBeTruthy(),
    );
    const km = screen.getByRole('switch', { name: 'Pause kube-manager' });
    await waitFor(() => expect((km as HTMLInputElement).disabled).toBe(false));
    await user.click(km);
    await waitFor(() => expect((km as HTMLInputElement).checked).toBe(true));
    expect(screen.getByText(/^Paused: it watches Kubernetes but writes nothing to Contrail/)).toBeTruthy();

    // A pod made not ready while kube-manager writes nothing stays a pool member.
    await setPodReadiness('ns-user-1', POD, false);
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    const table = await screen.findByRole('table', { name: 'Load balancers with drift' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain(SEED_LB);
    expect(rows[0]!.textContent).toMatch(BROKEN);
    expect(screen.getByText(/^1 of 2 load balancers drift/)).toBeTruthy();

    // The row in the tree flags it, naming the broken link.
    await user.click(within(table).getByRole('link', { name: SEED_LB }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/loadbalancers/${LB.uuid}`));
    const section = await screen.findByRole('region', { name: 'Consistency' });
    await waitFor(() => expect(section.textContent).toMatch(new RegExp(`Drift: ${BROKEN.source}`)));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await user.click(within(nav).getByRole('link', { name: 'Load balancers' }));
    const grid = await screen.findByRole('treegrid', { name: 'Load balancers' });
    const row = () =>
      within(grid)
        .getAllByRole('row')
        .find((r) => within(r).queryByRole('link', { name: SEED_LB }))!;
    await waitFor(() => expect(row().textContent).toMatch(new RegExp(`Drift: ${BROKEN.source}`)));
    expect(within(row()).getByTitle(new RegExp(`^${BROKEN.source}$`))).toBeTruthy();

    // Resumed, kube-manager catches up: the flag clears everywhere.
    await user.click(within(nav).getByRole('link', { name: 'Drift' }));
    const resume = await screen.findByRole('switch', { name: 'Pause kube-manager' });
    await waitFor(() => expect((resume as HTMLInputElement).checked).toBe(true));
    await user.click(resume);
    await waitFor(() =>
      expect(screen.getByText(/^No drift: all 2 load balancers are consistent/)).toBeTruthy(),
    );
    expect(screen.queryByRole('table', { name: 'Load balancers with drift' })).toBeNull();
  });

  it('says where the server does not run the check, and shows no section on the page', async () => {
    server.use(
      http.get(consistencyApi.all.pattern, notServed),
      http.get(consistencyApi.loadBalancer.pattern, notServed),
    );
    renderApp('/drift');
    expect((await screen.findByText(/This server does not run the consistency check/)).textContent).toContain(
      'GET /api/consistency',
    );
    cleanup();
    renderApp(`/loadbalancers/${LB.uuid}`);
    await screen.findByRole('heading', { name: new RegExp(SEED_LB), level: 1 });
    await waitFor(() => expect(screen.queryByText(/Checking Endpoints/)).toBeNull());
    expect(screen.queryByRole('region', { name: 'Consistency' })).toBeNull();
  });

  it('says which layer could not be read when nothing is broken but the check could not conclude', async () => {
    const report: ConsistencyReport = {
      loadbalancers: buildFixtures().loadBalancers.map((lb) => ({
        uuid: lb.uuid,
        displayName: lb.displayName,
        consistent: lb.uuid !== LB.uuid,
        problems: [],
        unchecked:
          lb.uuid === LB.uuid
            ? [{ layer: 'route', node: 'k8s-node3', reason: 'connect ECONNREFUSED 10.85.188.22:8085' }]
            : [],
      })),
      unchecked: [{ layer: 'route', node: 'k8s-node3', reason: 'connect ECONNREFUSED 10.85.188.22:8085' }],
      asOf: '2026-01-01T00:00:00.000Z',
    };
    server.use(http.get(consistencyApi.all.pattern, () => HttpResponse.json(report)));
    renderApp('/drift');
    const table = await screen.findByRole('table', { name: 'Load balancers with drift' });
    expect(within(table).getAllByRole('row')[1]!.textContent).toContain(
      'route on k8s-node3: connect ECONNREFUSED 10.85.188.22:8085',
    );
    expect(screen.getByRole('note', { name: 'Not checked' }).textContent).toContain('route on k8s-node3');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await userEvent.setup().click(within(nav).getByRole('link', { name: 'Load balancers' }));
    const grid = await screen.findByRole('treegrid', { name: 'Load balancers' });
    await waitFor(() =>
      expect(grid.textContent).toContain('Not checked: route on k8s-node3: connect ECONNREFUSED'),
    );
  });
});
