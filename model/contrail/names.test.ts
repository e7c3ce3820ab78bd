import { describe, expect, it } from 'vitest';
import {
  macFromUuid,
  makeName,
  nameParts,
  podKeyOfVmName,
  podVmName,
  serviceOfLbDisplayName,
} from './names.ts';

describe('Contrail name conventions', () => {
  it('joins with a double underscore and reads a pod VM name back', () => {
    expect(makeName('service-web', '99fe8ce7-9e75-11e9-b485-0050569e6cfc')).toBe(
      'service-web__99fe8ce7-9e75-11e9-b485-0050569e6cfc',
    );
    const vm = podVmName('k8s', 'ns-user-1', 'client');
    expect(vm).toBe('k8s__ns-user-1__client');
    expect(podKeyOfVmName(vm)).toBe('ns-user-1/client');
    expect(podKeyOfVmName('client')).toBeNull();
    expect(podKeyOfVmName('a__b')).toBeNull();
    expect(podKeyOfVmName('k8s____client')).toBeNull();
    expect(nameParts(makeName('ns-user-1', 'service-web'))).toEqual(['ns-user-1', 'service-web']);
    expect(nameParts('plain')).toEqual(['plain']);
  });

  it("derives the API server's MAC from a uuid", () => {
    expect(macFromUuid('99fe8ce7-9e75-11e9-b485-0050569e6cfc')).toBe('02:99:fe:8c:e7:9e');
  });

  it("reads the Service back from a load balancer's display name", () => {
    expect(serviceOfLbDisplayName('ns-user-1__service-web-clusterip')).toEqual({
      namespace: 'ns-user-1',
      name: 'service-web-clusterip',
    });
    expect(serviceOfLbDisplayName('my-lb')).toBeNull();
    expect(serviceOfLbDisplayName('a__b__c')).toBeNull();
  });
});
