// The Dataplane journey in a namespace of its own (applied first, deleted after, so the seed the
// other specs read is never touched): the client's VRF on k8s-node1 routes the Service's VIP/32 to
// an ECMP composite; a trace lands on a web pod at port 80 with an N(DPd) flow on the backend's
// compute; the CLI tab runs the vRouter utilities; scaling to 3 puts two backends on one compute,
// whose composite expands them (one slot per local pod plus one tunnel per other backend compute,
// as the agent builds it), live, and scaling back to 2 leaves a hole.

import { expect, test, type APIRequestContext } from '@playwright/test';
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

/** Where the namespace's web pods run: node → pod count. */
async function backendsByNode(request: APIRequestContext, namespace: string): Promise<Map<string, number>> {
  const res = await request.get(clusterApi.list.path({ plural: 'pods' }));
  const pods = (
    (await res.json()) as {
      items: {
        metadata: { namespace: string; labels?: Record<string, string> };
        spec: { nodeName?: string };
      }[];
    }
  ).items;
  const byNode = new Map<string, number>();
  for (const p of pods)
    if (p.metadata.namespace === namespace && p.metadata.labels?.app === 'web' && p.spec.nodeName)
      byNode.set(p.spec.nodeName, (byNode.get(p.spec.nodeName) ?? 0) + 1);
  return byNode;
}

/** Slots of the VIP's composite on `node` (CompositeNHKey::ExpandLocalCompositeNH): its own backends, plus one tunnel per other compute with backends. */
const activeSlotsOn = (node: string, byNode: Map<string, number>) =>
  (byNode.get(node) ?? 0) + [...byNode.keys()].filter((n) => n !== node).length;

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
    await dp.pickNode('k8s-node1');

    // The pod-network VRF: the VIP /32 points at an ECMP composite.
    await expect(dp.routes).toBeVisible();
    const vipRow = dp.routeRow(`${vip}/32`);
    await expect(vipRow).toContainText('ECMP Composite');
    await expect(vipRow.getByRole('cell').nth(2)).toHaveText('P');

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
      `(${namespace}/web-[a-z0-9-]+) on (k8s-node\\d), (\\d+\\.\\d+\\.\\d+\\.\\d+):80`,
    );
    await expect(result).toContainText(member);
    const [, pod, backend, podIp] = member.exec((await result.textContent()) ?? '')!;
    expect(pod).toBeTruthy();

    // The backend's compute holds the DNAT flow VIP:8888 → pod:80, and its reverse SNAT.
    await dp.pickNode(backend!);
    await dp.tab('Flows').click();
    // Other journeys leave flows of their own: narrow the table to this session's side.
    const flowFilter = page.getByRole('searchbox', { name: 'Filter flows' });
    await flowFilter.fill(`${vip}:8888`);
    const flows = dp.flows(backend!).getByRole('row');
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

    // Open the VIP's composite on a compute from its route. After a change the route may still
    // name the old composite for a moment (a changed component list is a new composite NH): follow
    // it again until the slots match.
    const openVipComposite = async (node: string) => {
      await dp.pickNode(node);
      await dp.tab('Routes').click();
      await dp
        .routeRow(`${vip}/32`)
        .getByRole('link', { name: new RegExp(`^Next hop \\d+ of ${vip.replace(/\./g, '\\.')}/32$`) })
        .click();
      await expect(dp.tab('Next hops')).toHaveAttribute('aria-selected', 'true');
    };
    const expectVipComposite = (node: string, active: number, holes: number) =>
      expect(async () => {
        await openVipComposite(node);
        await expect(dp.activeSlots()).toHaveCount(active, { timeout: 1_000 });
        await expect(dp.holes()).toHaveCount(holes, { timeout: 1_000 });
      }).toPass();
    await expectVipComposite(
      'k8s-node1',
      activeSlotsOn('k8s-node1', await backendsByNode(request, namespace)),
      0,
    );

    // Scale up: with three backends on two computes one compute holds two; its composite expands
    // them into one slot each, beside the tunnel to the other compute.
    await dp.scale(`${namespace}/web`, 3);
    let byNode = await backendsByNode(request, namespace);
    expect([...byNode.values()].reduce((a, b) => a + b, 0)).toBe(3);
    const [crowded] = [...byNode].find(([, count]) => count === 2)!;
    await expectVipComposite(crowded, 3, 0);

    // Scale back: the slot of the removed backend becomes a hole (-1); the others keep their places.
    await dp.scale(`${namespace}/web`, 2);
    await expect(async () => {
      byNode = await backendsByNode(request, namespace);
      expect([...byNode.values()].reduce((a, b) => a + b, 0)).toBe(2);
    }).toPass();
    const active = activeSlotsOn(crowded, byNode);
    await expectVipComposite(crowded, active, 3 - active);
    await expect(page.getByLabel(/^nh --get \d+$/)).toContainText(/Sub NH\(label\):.* -1/);
  } finally {
    await deleteNamespace(request, namespace);
  }
});
