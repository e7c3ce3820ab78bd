// @vitest-environment jsdom
// The config explorer: types from GET /, opening objects by uuid or fq_name, a type's list, and
// the object page with breadcrumbs and a 404 that says what happened.

import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { buildFixtures } from '@web/testing/fixtures.ts';
import { useMswServer } from '@web/testing/msw-server.ts';
import { renderApp } from '@web/testing/render.tsx';

useMswServer();

const fx = buildFixtures();
const lb = fx.loadBalancers[0]!;
const vmi = [...fx.objects.values()].find((o) => o.type === 'virtual-machine-interface')!.object;

describe('config explorer', () => {
  it('lists every collection type from the config API root', async () => {
    renderApp('/config');
    const list = await screen.findByRole('list', { name: 'Config types' });
    const names = within(list)
      .getAllByRole('link')
      .map((a) => a.textContent);
    expect(names).toContain('loadbalancer-member');
    expect(names).toContain('virtual-machine-interface');
    expect(names).not.toContain('fqname-to-id');
  });

  it('opens an object by uuid and by type + fq_name', async () => {
    const user = userEvent.setup();
    const { router } = renderApp('/config');
    await screen.findByRole('list', { name: 'Config types' });
    await user.type(screen.getByRole('textbox', { name: 'UUID or fq_name' }), String(vmi.uuid));
    await user.click(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() =>
      expect(router.state.location.pathname).toBe(`/objects/virtual-machine-interface/${String(vmi.uuid)}`),
    );
    expect(await screen.findByRole('link', { name: 'virtual-machine-interfaces' })).toBeTruthy();

    await router.navigate('/config');
    await user.selectOptions(
      await screen.findByRole('combobox', { name: 'Type (for fq_name)' }),
      'loadbalancer',
    );
    await user.type(screen.getByRole('textbox', { name: 'UUID or fq_name' }), lb.fqName.join(':'));
    await user.click(screen.getByRole('button', { name: 'Open' }));
    await waitFor(() => expect(router.state.location.pathname).toBe(`/loadbalancers/${lb.uuid}`));
  });

  it('says what is missing when an fq_name does not exist', async () => {
    const user = userEvent.setup();
    renderApp('/config');
    await screen.findByRole('list', { name: 'Config types' });
    await user.type(screen.getByRole('textbox', { name: 'UUID or fq_name' }), 'default-domain:nope:nothing');
    await user.click(screen.getByRole('button', { name: 'Open' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not found (404)');
    expect(alert.textContent).toContain("Name ['default-domain', 'nope', 'nothing'] not found");
  });

  it('shows a 404 for an unknown object page', async () => {
    renderApp('/objects/loadbalancer/00000000-0000-4000-8000-00000000dead');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not found (404)');
    expect(alert.textContent).toContain('Unknown id: 00000000-0000-4000-8000-00000000dead');
  });
});
