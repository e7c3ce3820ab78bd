// @vitest-environment jsdom
// The CLI tab: every vRouter utility on the selected compute, its command line and its text as
// the UI server returns it, the VRF picker for `rt` and `vrfstats`, and a failing command.

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';
import { CLI_COMMANDS } from './cli-view.tsx';

useMswServer();

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };
const MPLS = 'MPLS Input Label Map\n\n   Label    NextHop\n-------------------\n      16        10\n';
const DROPS = 'Flow Action Drop              1\n';

/** The new commands' routes (the shared handlers answer rt, nh and flow). */
function cliRoutes(requests: string[]) {
  server.use(
    http.get('/api/dataplane/vrouters/:node/cli/:command', ({ params, request }) => {
      const url = new URL(request.url);
      requests.push(`${String(params.node)} ${String(params.command)}${url.search}`);
      switch (params.command) {
        case 'mpls':
          return new HttpResponse(MPLS, { headers: TEXT });
        case 'dropstats':
          return new HttpResponse(DROPS, { headers: TEXT });
        case 'vif':
          return new HttpResponse('vif0/0      OS: eth0\n', { headers: TEXT });
        case 'vrfstats':
          return new HttpResponse(`Vrf: ${url.searchParams.get('vrf')}\n`, { headers: TEXT });
        case 'nh':
          return url.searchParams.has('id')
            ? undefined
            : new HttpResponse('Id:0          Type:Drop\n', { headers: TEXT });
        default:
          return undefined;
      }
    }),
  );
}

describe('dataplane CLI tab', () => {
  it('runs each utility on the compute and shows its text verbatim under its command line', async () => {
    const requests: string[] = [];
    cliRoutes(requests);
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=cli');
    const commands = await screen.findByRole('radiogroup', { name: 'Command' });
    expect(
      within(commands)
        .getAllByRole('radio')
        .map((b) => b.textContent),
    ).toEqual([...CLI_COMMANDS]);

    await user.click(within(commands).getByRole('radio', { name: 'mpls' }));
    const mpls = await screen.findByLabelText('mpls --dump');
    expect(mpls.textContent).toBe(MPLS);
    expect(within(commands).getByRole('radio', { name: 'mpls' }).getAttribute('aria-checked')).toBe('true');

    await user.click(within(commands).getByRole('radio', { name: 'dropstats' }));
    expect((await screen.findByLabelText('dropstats')).textContent).toBe(DROPS);

    await user.click(within(commands).getByRole('radio', { name: 'nh' }));
    expect((await screen.findByLabelText('nh --list')).textContent).toBe('Id:0          Type:Drop\n');

    await user.click(within(commands).getByRole('radio', { name: 'vif' }));
    expect((await screen.findByLabelText('vif --list')).textContent).toContain('vif0/0      OS: eth0');
    // `rt` on the fullest VRF first (the default command), then each command once; the long texts
    // (`rt`, `nh --list`, `flow -l`) in pages of 500 records.
    expect(requests[0]).toMatch(/^k8s-node1 rt\?vrf=\d+&limit=500$/);
    expect(requests.slice(1)).toEqual([
      'k8s-node1 mpls',
      'k8s-node1 dropstats',
      'k8s-node1 nh?limit=500',
      'k8s-node1 vif',
    ]);
  });

  it('asks for a VRF for vrfstats and rt, and follows the choice', async () => {
    const requests: string[] = [];
    cliRoutes(requests);
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=cli');
    const commands = await screen.findByRole('radiogroup', { name: 'Command' });
    await user.click(within(commands).getByRole('radio', { name: 'vrfstats' }));
    const select = await screen.findByRole('combobox', { name: 'VRF' });
    await waitFor(() => expect((select as HTMLSelectElement).options.length).toBeGreaterThan(1));
    const first = (select as HTMLSelectElement).value;
    expect((await screen.findByLabelText(`vrfstats --get ${first}`)).textContent).toBe(`Vrf: ${first}\n`);
    await user.selectOptions(select, '0');
    expect((await screen.findByLabelText('vrfstats --get 0')).textContent).toBe('Vrf: 0\n');
    // rt keeps the chosen VRF.
    await user.click(within(commands).getByRole('radio', { name: 'rt' }));
    await waitFor(() => expect(requests).toContain('k8s-node1 rt?vrf=0&limit=500'));
  });

  it('shows the error of a failing command with a retry', async () => {
    server.use(
      http.get('/api/dataplane/vrouters/:node/cli/mpls', () =>
        HttpResponse.json(
          { statusCode: 404, error: 'Not Found', message: 'no vRouter on node k8s-node1' },
          { status: 404 },
        ),
      ),
    );
    const user = userEvent.setup();
    renderApp('/dataplane/k8s-node1?tab=cli');
    const commands = await screen.findByRole('radiogroup', { name: 'Command' });
    await user.click(within(commands).getByRole('radio', { name: 'mpls' }));
    expect(await screen.findByRole('button', { name: /retry/i })).toBeTruthy();
  });
});
