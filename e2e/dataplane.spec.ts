// The Dataplane journey in a namespace of its own (applied first, deleted after, so the seed the
// other specs read is never touched). Its web pods all run on k8s-node2 and its client on
// k8s-node1, so what the agent builds is known: k8s-node2 holds a local ECMP composite of its
// backends, and k8s-node1 reaches the VIP through one tunnel carrying k8s-node2's local-ECMP label.
// A trace lands on a web pod at port 80 with an N(DPd) flow on k8s-node2; the CLI tab runs the
// vRouter utilities; scaling to 3 adds a slot to the composite live, and back to 2 leaves a hole.

import { expect, test } from '@playwright/test';
import { clusterApi } from '../model/api/paths.ts';
import { applyManifest, deleteNamespace, uniqueName } from './own-objects.ts';
import { DataplanePage } from './pages/dataplane-page.ts';

const manifest = (namespace: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: ${namespace}, labels: { app: web } }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      nodeName: k8s-node2
      containers:
        - name: web
          image: nginx
          ports: [{ name: http, containerPort: 80, protocol: TCP }]
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: ${namespace}, labels: { app: client } }
spec:
  nodeName: k8s-node1
  containers: [{ name: client, image: busybox }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec:
  type: ClusterIP
  selector: { app: web }
  ports: [{ protocol: TCP, port: 8888, targetPort: 80 }]
`;

const BACKEND = 'k8s-node2';

test('routes, trace, flows and a live composite while scaling a deployment', async ({ page, request }) => {
  const namespace = uniqueName('e2e-dp');
  await applyManifest(request, manifest(namespace));
  try {
    const service = await request.get(
      clusterApi.namespaced.path({ plural: 'services', namespace, name: 'web' }),
    );
    const vip = ((await service.json()) as { spec: { clusterIP: string } }).spec.clusterIP;
    expect(vip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const dp = new DataplanePage(page);
    await dp.open();

    // The client's compute routes the VIP /32 (proxy ARP) through one tunnel to the backend
    // compute, whose local-ECMP label the route carries (flags L and P).
    await dp.pickNode('k8s-node1');
    await expect(dp.routes).toBeVisible();
    await expect(dp.routeRow(`${vip}/32`).getByRole('cell').nth(2)).toHaveText('LP');
    // The backend compute's pod VRF points it at the ECMP composite of its two local backends: no
    // route label, the labels are the composite's (rt.c prints `P` alone).
    await dp.pickNode(BACKEND);
    await expect(dp.routeRow(`${vip}/32`)).toContainText('ECMP Composite');
    await expect(dp.routeRow(`${vip}/32`).getByRole('cell').nth(2)).toHaveText('P');

    // Trace this namespace's client → VIP:8888/TCP.
    await dp.tab('Trace').click();
    const form = page.getByRole('form', { name: 'Trace a packet' });
    await form.getByRole('combobox', { name: 'From pod' }).selectOption(`${namespace}/client`);
    await form.getByRole('textbox', { name: 'To IP' }).fill(vip);
    await form.getByRole('combobox', { name: 'Protocol' }).selectOption('TCP');
    await form.getByRole('spinbutton', { name: 'Port', exact: true }).fill('8888');
    await form.getByRole('button', { name: 'Trace' }).click();
    const result = page.getByRole('region', { name: 'Trace result' });
    await expect(result).toContainText('Delivered');
    const member = new RegExp(
      `(${namespace}/web-[a-z0-9-]+) on (${BACKEND}), (\\d+\\.\\d+\\.\\d+\\.\\d+):80`,
    );
    await expect(result).toContainText(member);
    const [, pod, , podIp] = member.exec((await result.textContent()) ?? '')!;
    expect(pod).toBeTruthy();

    // The backend's compute holds the DNAT flow VIP:8888 → pod:80, and its reverse SNAT.
    await dp.pickNode(BACKEND);
    await dp.tab('Flows').click();
    // Other journeys leave flows of their own: narrow the table to this session's side.
    const flowFilter = page.getByRole('searchbox', { name: 'Filter flows' });
    await flowFilter.fill(`${vip}:8888`);
    const flows = dp.flows(BACKEND).getByRole('row');
    await expect(
      flows
        .filter({ hasText: `${vip}:8888` })
        .filter({ hasText: 'N(DPd)' })
        .first(),
    ).toBeVisible();
    await flowFilter.fill(`${podIp}:80`);
    await expect(
      flows
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

    // Open the VIP's composite on the backend compute from its route. After a change the route may
    // still name the old composite for a moment (a changed component list is a new composite NH):
    // follow it again until the slots match.
    const openVipComposite = async () => {
      await dp.pickNode(BACKEND);
      await dp.tab('Routes').click();
      await dp
        .routeRow(`${vip}/32`)
        .getByRole('link', { name: new RegExp(`^Next hop \\d+ of ${vip.replace(/\./g, '\\.')}/32$`) })
        .click();
      await expect(dp.tab('Next hops')).toHaveAttribute('aria-selected', 'true');
    };
    const expectVipComposite = (active: number, holes: number) =>
      expect(async () => {
        await openVipComposite();
        await expect(dp.activeSlots()).toHaveCount(active, { timeout: 1_000 });
        await expect(dp.holes()).toHaveCount(holes, { timeout: 1_000 });
      }).toPass();
    await expectVipComposite(2, 0);

    // Scale up: a third local backend, a third slot — live, no reload.
    await dp.scale(`${namespace}/web`, 3);
    await expectVipComposite(3, 0);

    // Scale back: the removed backend's slot becomes a hole (-1); the others keep their places.
    await dp.scale(`${namespace}/web`, 2);
    await expectVipComposite(2, 1);
    await expect(page.getByLabel(/^nh --get \d+$/)).toContainText(/Sub NH\(label\):.* -1/);
  } finally {
    await deleteNamespace(request, namespace);
  }
});
