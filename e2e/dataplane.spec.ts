// The Dataplane journey on the embedded seed: the client's VRF on k8s-node1 routes the VIP
// 10.105.53.64/32 to an ECMP composite; a trace lands on a webserver pod at port 80 with an
// N(DPd) flow on the backend's compute; scaling the webserver to 3 puts a second pod on
// k8s-node2, whose composite gains a slot live, and scaling back to 2 leaves a hole there (the
// state other specs expect: two members).

import { expect, test } from '@playwright/test';
import { DataplanePage } from './pages/dataplane-page.ts';

const VIP = '10.105.53.64';

test('routes, trace, flows and a live composite while scaling the webserver', async ({ page }) => {
  const dp = new DataplanePage(page);
  await dp.open();
  await dp.pickNode('k8s-node1');

  // The client's pod-network VRF: the VIP /32 points at an ECMP composite.
  await expect(dp.routes).toBeVisible();
  const vipRow = dp.routeRow(`${VIP}/32`);
  await expect(vipRow).toContainText('ECMP Composite');
  await expect(vipRow.getByRole('cell').nth(2)).toHaveText('P');

  // Trace client → VIP:8888/TCP.
  await dp.tab('Trace').click();
  const form = page.getByRole('form', { name: 'Trace a packet' });
  await expect(form.getByRole('combobox', { name: 'From pod' })).toHaveValue('ns-user-1/client');
  await form.getByRole('textbox', { name: 'To IP' }).fill(VIP);
  await form.getByRole('combobox', { name: 'Protocol' }).selectOption('TCP');
  await form.getByRole('spinbutton', { name: 'Port', exact: true }).fill('8888');
  await form.getByRole('button', { name: 'Trace' }).click();
  const result = page.getByRole('region', { name: 'Trace result' });
  await expect(result).toContainText('Delivered');
  const member = /(ns-user-1\/webserver-[a-z0-9-]+) on (k8s-node\d), (10\.47\.\d+\.\d+):80/;
  await expect(result).toContainText(member);
  const [, pod, backend, podIp] = member.exec((await result.textContent()) ?? '')!;
  expect(pod).toBeTruthy();

  // The backend's compute holds the DNAT flow VIP:8888 → pod:80.
  await dp.pickNode(backend!);
  await dp.tab('Flows').click();
  const natRow = dp
    .flows(backend!)
    .getByRole('row')
    .filter({ hasText: `${VIP}:8888` })
    .filter({ hasText: 'N(DPd)' });
  await expect(natRow.first()).toBeVisible();
  // And its reverse is the SNAT of the pod's answer.
  await expect(
    dp
      .flows(backend!)
      .getByRole('row')
      .filter({ hasText: `${podIp}:80` })
      .filter({ hasText: 'N(SPs)' })
      .first(),
  ).toBeVisible();

  // The CLI tab runs the vRouter utilities on the compute: its MPLS labels, its interfaces.
  await dp.tab('CLI').click();
  const commands = page.getByRole('radiogroup', { name: 'Command' });
  await commands.getByRole('radio', { name: 'mpls' }).click();
  await expect(page.getByLabel('mpls --dump')).toContainText('MPLS Input Label Map');
  await commands.getByRole('radio', { name: 'vif' }).click();
  await expect(page.getByLabel('vif --list')).toContainText(`IPaddr:${podIp}`);

  // Open the VIP's composite on k8s-node1 from its route: one slot per compute with backends
  // (the local webserver and a tunnel to k8s-node2), as the agent builds it.
  const openVipComposite = async (node: string) => {
    await dp.pickNode(node);
    await dp.tab('Routes').click();
    await dp
      .routeRow(`${VIP}/32`)
      .getByRole('link', { name: new RegExp(`^Next hop \\d+ of ${VIP}/32$`) })
      .click();
    await expect(dp.tab('Next hops')).toHaveAttribute('aria-selected', 'true');
  };
  await openVipComposite('k8s-node1');
  await expect(dp.activeSlots()).toHaveCount(2);
  // After a change the route may still name the old composite for a moment: follow it again.
  const expectVipComposite = (node: string, active: number, holes: number) =>
    expect(async () => {
      await openVipComposite(node);
      await expect(dp.activeSlots()).toHaveCount(active, { timeout: 1_000 });
      await expect(dp.holes()).toHaveCount(holes, { timeout: 1_000 });
    }).toPass();

  // Scale up: the third pod lands on k8s-node2, which then has two local backends behind one
  // local-ECMP label; k8s-node2's own composite expands them into 3 slots. A changed component
  // list is a new composite NH (the agent keys composites by their components), so the VIP's
  // route, refreshed live, is followed to it again.
  await expectVipComposite('k8s-node2', 2, 0);
  await dp.scale('ns-user-1/webserver', 3);
  await expectVipComposite('k8s-node2', 3, 0);

  // Scale back (restores the state the other specs share): the removed member leaves a hole.
  await dp.scale('ns-user-1/webserver', 2);
  await expectVipComposite('k8s-node2', 2, 1);
  await expect(page.getByLabel(/^nh --get \d+$/)).toContainText(/Sub NH\(label\):.* -1/);
});
