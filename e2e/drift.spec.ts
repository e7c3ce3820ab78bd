// The drift journey in a namespace of its own: with kube-manager paused from the UI (a stuck
// controller), a backend pod made not ready leaves the Service's Endpoints but stays a pool member;
// the consistency check names that broken link on the load balancer's row, its page and the drift
// list; resumed, kube-manager catches up and the flag clears. kube-manager is resumed and the
// namespace deleted whatever happens.

import { expect, test } from '@playwright/test';
import { clusterApi } from '../model/api/paths.ts';
import { applyManifest, deleteNamespace, uniqueName } from './own-objects.ts';
import { LoadBalancersPage, explorerRow } from './pages/load-balancers-page.ts';

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
kind: Service
metadata: { name: web, namespace: ${namespace} }
spec:
  type: ClusterIP
  selector: { app: web }
  ports: [{ protocol: TCP, port: 8888, targetPort: 80 }]
`;

/** The check answers on a timer and on changes: give it a few of its refreshes. */
const CHECK_TIMEOUT_MS = 30_000;

test('drift while kube-manager is paused: a pod made not ready stays a member, named on the row, the page and the list; resumed, it clears', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const namespace = uniqueName('e2e-drift');
  const lbName = `${namespace}__web`;
  await applyManifest(request, manifest(namespace));
  try {
    // kube-manager has made the load balancer with a member per ready pod.
    let lbUuid = '';
    await expect(async () => {
      const row = await explorerRow(request, lbName);
      expect(row.membersTotal).toBe(2);
      lbUuid = row.uuid;
    }).toPass();
    const pods = (await (
      await request.get(clusterApi.list.path({ plural: 'pods' }, { service: `${namespace}/web` }))
    ).json()) as { items: { metadata: { name: string }; status: { podIP?: string } }[] };
    const pod = pods.items[0]!.metadata.name;

    // Consistent to begin with.
    await page.goto('/drift');
    await expect(page.getByRole('heading', { name: 'Drift', level: 1 })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: /load balancers/ })).toBeVisible();
    await expect(page.getByRole('link', { name: lbName })).toHaveCount(0);

    // Pause kube-manager with its switch.
    const km = page.getByRole('switch', { name: 'Pause kube-manager' });
    await km.check();
    await expect(km).toBeChecked();
    await expect(
      page.getByText(/^Paused: it watches Kubernetes but writes nothing to Contrail/),
    ).toBeVisible();

    // Make one backend not ready from the Service's cluster controls.
    await page.goto(`/dataplane/k8s-node1?svc=${encodeURIComponent(`${namespace}/web`)}`);
    const ready = page
      .getByRole('complementary', { name: 'Cluster controls' })
      .getByRole('checkbox', { name: `Ready: ${namespace}/${pod}` });
    await expect(ready).toBeChecked();
    await ready.uncheck();
    await expect(ready).not.toBeChecked();

    // The broken link, as the check names it: the member stays while its pod is no ready endpoint.
    const broken = new RegExp(
      `member \\S+ of pool \\S+ \\(pod ${namespace}/${pod} \\([\\d.]+\\)\\) is not a ready endpoint of Service ${namespace}/web`,
    );

    // On the load balancer's row.
    const lbs = new LoadBalancersPage(page);
    await lbs.goto();
    await lbs.filter.fill(lbName);
    await expect(lbs.row(lbName)).toContainText(new RegExp(`Drift: pool members: ${broken.source}`), {
      timeout: CHECK_TIMEOUT_MS,
    });

    // On its page, and on the drift list.
    await page.goto(`/loadbalancers/${lbUuid}`);
    await expect(page.getByRole('region', { name: 'Consistency' })).toContainText(broken, {
      timeout: CHECK_TIMEOUT_MS,
    });
    await page.goto('/drift');
    const drifting = page.getByRole('table', { name: 'Load balancers with drift' });
    await expect(drifting.getByRole('row').filter({ hasText: lbName })).toContainText(broken, {
      timeout: CHECK_TIMEOUT_MS,
    });

    // Resume: kube-manager catches up (the member goes), and the flag clears.
    await km.uncheck();
    await expect(km).not.toBeChecked();
    await expect(page.getByRole('link', { name: lbName })).toHaveCount(0, { timeout: CHECK_TIMEOUT_MS });
    await page.goto(`/loadbalancers/${lbUuid}`);
    await expect(page.getByRole('region', { name: 'Consistency' })).toContainText('Consistent', {
      timeout: CHECK_TIMEOUT_MS,
    });
    await lbs.goto();
    await lbs.filter.fill(lbName);
    await expect(lbs.row(lbName)).toBeVisible();
    await expect(lbs.row(lbName)).not.toContainText('Drift');
  } finally {
    await request.put(clusterApi.kubeManager.path(), { data: { paused: false } });
    await deleteNamespace(request, namespace);
  }
});
