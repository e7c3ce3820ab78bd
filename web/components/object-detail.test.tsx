// @vitest-environment jsdom
// The detail panel's JSON view: search with match paths, the bulky-field toggle, paged large
// arrays, and copies (object with exact 64-bit integers, path, curl).

import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { createQueryClient } from '@web/app/query-client.ts';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { server, useMswServer } from '@web/testing/msw-server.ts';
import { ObjectDetail } from './object-detail.tsx';

useMswServer();

const fx = buildFixtures();
const lb = fx.loadBalancers.find((r) => r.displayName === 'ns-user-1__service-web-clusterip')!;
function renderPanel(type: string, uuid: string) {
  return render(
    <QueryClientProvider client={createQueryClient({ retry: false })}>
      <MemoryRouter>
        <ObjectDetail type={type} uuid={uuid} view="json" onViewChange={() => undefined} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

/** Serves a load balancer as raw text, so its uuid halves reach the client as unrounded digits. */
function serveLoadBalancerWithUuidHalves(uuid: string, mslong: string, lslong: string) {
  const body = `{"loadbalancer":{"uuid":"${uuid}","name":"x","fq_name":["x"],"display_name":"x","id_perms":{"uuid":{"uuid_mslong":${mslong},"uuid_lslong":${lslong}}},"annotations":null}}`;
  server.use(
    http.get(
      `/api/config/loadbalancer/${uuid}`,
      () => new HttpResponse(body, { headers: { 'content-type': 'application/json' } }),
    ),
  );
}

describe('JSON view', () => {
  it('searches keys and values, listing the matches with copyable jq paths', async () => {
    const user = userEvent.setup();
    renderPanel('loadbalancer', lb.uuid);
    await screen.findByRole('region', { name: `JSON of loadbalancer ${lb.uuid}` });
    await user.type(screen.getByRole('searchbox', { name: 'Search JSON' }), 'vip_add');
    const matches = screen.getByLabelText('Search matches');
    expect(within(matches).getByText('1 match')).toBeTruthy();
    expect(within(matches).getByText('.loadbalancer.loadbalancer_properties.vip_address')).toBeTruthy();
    await user.click(
      within(matches).getByRole('button', {
        name: 'Copy path .loadbalancer.loadbalancer_properties.vip_address',
      }),
    );
    // user-event installs a clipboard stub on navigator.clipboard; read back what was written.
    expect(await navigator.clipboard.readText()).toBe('.loadbalancer.loadbalancer_properties.vip_address');
    expect(
      await screen.findByText('Copied path .loadbalancer.loadbalancer_properties.vip_address'),
    ).toBeTruthy();
  });

  it('hides id_perms, perms2 and hrefs on request', async () => {
    const user = userEvent.setup();
    renderPanel('loadbalancer', lb.uuid);
    const json = await screen.findByRole('region', { name: `JSON of loadbalancer ${lb.uuid}` });
    expect(within(json).getByRole('listitem', { name: 'id_perms' })).toBeTruthy();
    expect(within(json).getAllByText(/http:\/\/127\.0\.0\.1:8082\/loadbalancer-listener\//).length).toBe(1);
    await user.click(screen.getByRole('checkbox', { name: 'Hide bulky fields' }));
    expect(within(json).queryByRole('listitem', { name: 'id_perms' })).toBeNull();
    expect(within(json).queryByRole('listitem', { name: 'perms2' })).toBeNull();
    expect(within(json).queryByRole('listitem', { name: 'href' })).toBeNull();
    expect(within(json).queryByText(/http:\/\/127\.0\.0\.1:8082\/loadbalancer-listener\//)).toBeNull();
    expect(within(json).getByRole('listitem', { name: 'loadbalancer_properties' })).toBeTruthy();
  });

  it('copies the object with its 64-bit integers exact, and the curl command', async () => {
    const user = userEvent.setup();
    const uuid = 'f3f1897d-965a-4ad5-9cea-3bf757b5b915';
    serveLoadBalancerWithUuidHalves(uuid, '17577278420404814325', '11346287420604758453');
    renderPanel('loadbalancer', uuid);
    await screen.findByRole('region', { name: `JSON of loadbalancer ${uuid}` });
    await user.click(screen.getByRole('button', { name: 'Copy object' }));
    const copied = await navigator.clipboard.readText();
    expect(copied).toContain('"uuid_mslong": 17577278420404814325');
    expect(copied).toContain('"uuid_lslong": 11346287420604758453');
    await user.click(screen.getByRole('button', { name: 'Copy as curl' }));
    expect(await navigator.clipboard.readText()).toBe(`curl -s 'http://127.0.0.1:8082/loadbalancer/${uuid}'`);
  });

  it('pages a large array instead of rendering every item', async () => {
    const uuid = '00000000-0000-4000-8000-00000000bbbb';
    const ports = Array.from({ length: 14_200 }, (_, i) => ({ protocol: 'TCP', src_port: i, dst_port: 80 }));
    server.use(
      http.get(`/api/config/floating-ip/${uuid}`, () =>
        HttpResponse.json({
          'floating-ip': {
            uuid,
            name: 'fip',
            fq_name: ['fip'],
            display_name: 'fip',
            annotations: null,
            port_mappings: ports,
          },
        }),
      ),
    );
    renderPanel('floating-ip', uuid);
    const field = await screen.findByRole('listitem', { name: 'port_mappings' });
    // Level 0 is open: the array shows as 142 collapsed pages, none of the 14,200 items.
    expect(within(field).getByText('14200 items, in pages of 100')).toBeTruthy();
    expect(within(field).getByText('[0…99]:')).toBeTruthy();
    expect(within(field).getByText('[14100…14199]:')).toBeTruthy();
    expect(within(field).queryByText('src_port:')).toBeNull();
  });

  it('shows and copies 64-bit uuid halves as the exact digits the API sent, without a trailing n', async () => {
    const user = userEvent.setup();
    const uuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    serveLoadBalancerWithUuidHalves(uuid, '18446744073709551615', '18446744073709551615');
    renderPanel('loadbalancer', uuid);
    const field = await screen.findByRole('listitem', { name: 'id_perms' });
    await user.click(within(field).getByRole('button', { name: 'expand JSON' }));
    const item = within(field)
      .getAllByRole('treeitem')
      .find((el) => el.textContent?.startsWith('uuid_lslong:'));
    expect(item?.querySelector('.json-number')?.textContent).toBe('18446744073709551615');

    await user.click(within(field).getByRole('button', { name: 'Copy value of id_perms' }));
    expect(await navigator.clipboard.readText()).toContain('"uuid_lslong": 18446744073709551615\n');

    await user.type(screen.getByRole('searchbox', { name: 'Search JSON' }), '18446744073709551615');
    const matches = screen.getByLabelText('Search matches');
    expect(within(matches).getByText('2 matches')).toBeTruthy();
    await user.click(
      within(matches).getByRole('button', { name: 'Copy value at .loadbalancer.id_perms.uuid.uuid_lslong' }),
    );
    expect(await navigator.clipboard.readText()).toBe('18446744073709551615');
    expect(matches.textContent).not.toMatch(/\dn\b/);
  });
});
