import { describe, expect, it } from 'vitest';
import { makeHarness } from './testing/harness.ts';

const service = (annotations: string) => `apiVersion: v1
kind: Service
metadata:
  name: service-web-maglev
  namespace: ns-user-1
${annotations}spec:
  type: ClusterIP
  clusterIP: 10.96.7.7
  selector: { app: webserver }
  ports:
    - { protocol: TCP, port: 8888, targetPort: 80 }
`;

describe('the Service ecmp-hashing annotation (our extension)', () => {
  it('is copied onto the loadbalancer next to the usual annotations, and follows the Service', async () => {
    const h = await makeHarness();
    h.apply(service('  annotations: { ecmp-hashing: maglev, team: web }\n'));
    const uid = h.cluster.get('Service', 'ns-user-1', 'service-web-maglev')!.metadata.uid;
    expect(h.annotations(h.store.get(uid)!)).toEqual({
      cluster: 'k8s',
      kind: 'Service',
      name: 'service-web-maglev',
      namespace: 'ns-user-1',
      owner: 'k8s',
      project: 'k8s-ns-user-1',
      'ecmp-hashing': 'maglev',
    });

    h.apply(service('  annotations: { ecmp-hashing: contrail }\n'));
    expect(h.annotations(h.store.get(uid)!)['ecmp-hashing']).toBe('contrail');

    h.apply(service(''));
    expect(h.annotations(h.store.get(uid)!)).not.toHaveProperty('ecmp-hashing');
  });

  it('leaves a Service without it annotated exactly as before', async () => {
    const h = await makeHarness();
    const uid = h.cluster.get('Service', 'ns-user-1', 'service-web-clusterip')!.metadata.uid;
    expect(Object.keys(h.annotations(h.store.get(uid)!)).sort()).toEqual([
      'cluster',
      'kind',
      'name',
      'namespace',
      'owner',
      'project',
    ]);
  });
});
