// The Dataplane journey in a namespace of its own (applied first, deleted after, so the seed the
// other specs read is never touched): the client's VRF on k8s-node1 routes the Service's VIP/32 to
// an ECMP composite; a trace lands on a web pod at port 80 with an N(DPd) flow on the backend's
// compute; scaling to 3 adds a composite slot live, and back to 2 leaves a hole.

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

    // Open the VIP's composite on k8s-node1 from its route.
    await dp.pickNode('k8s-node1');
    await dp.tab('Routes').click();
    await dp
      .routeRow(`${vip}/32`)
      .getByRole('link', { name: new RegExp(`^Next hop \\d+ of ${vip.replace(/\./g, '\\.')}/32$`) })
      .click();
    await expect(dp.tab('Next hops')).toHaveAttribute('aria-selected', 'true');
    await expect(dp.activeSlots()).toHaveCount(2);

    // Scale up: a third member fills a hole or is appended — live, no reload.
    await dp.scale(`${namespace}/web`, 3);
    await expect(dp.activeSlots()).toHaveCount(3);
    await expect(dp.holes()).toHaveCount(0);

    // Scale back: the removed member leaves a hole.
    await dp.scale(`${namespace}/web`, 2);
    await expect(dp.activeSlots()).toHaveCount(2);
    await expect(dp.holes()).toHaveCount(1);
    await expect(page.getByLabel(/^nh --get \d+$/)).toContainText(/Sub NH\(label\):.* -1/);
  } finally {
    await deleteNamespace(request, namespace);
  }
});
