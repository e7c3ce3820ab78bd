// A two-compute dataplane over fixture objects, shared by the dataplane tests. Tests only.

import { ManualClock } from '@server/clock.ts';
import { ConfigStore } from '@server/config-api/store.ts';
import { sequentialIds } from '@server/ids.ts';
import { Dataplane } from '../dataplane.ts';
import { FlowProcessor } from '../flow-processor.ts';
import type { FlowTableOptions } from '../flow-table.ts';
import { DataplaneFixture } from './fixture.ts';

export const VIP = '10.105.53.64';
export const SVC = 'ns-user-1/service-web-clusterip';

export function buildTwoComputes(
  opts: { flowTable?: FlowTableOptions; hashing?: 'maglev' | 'contrail' } = {},
) {
  const clock = new ManualClock();
  const store = new ConfigStore(clock, sequentialIds());
  const fx = new DataplaneFixture(store);
  fx.addCompute('node1', '10.85.188.20');
  fx.addCompute('node2', '10.85.188.21');
  const dp = new Dataplane(store, {
    clock,
    flowTable: opts.flowTable ?? { entries: 4096, overflowEntries: 256 },
  });
  fx.addPod('ns-user-1', 'client', 'node1', '10.47.255.252');
  fx.addPod('ns-user-1', 'web-a', 'node1', '10.47.255.250');
  fx.addPod('ns-user-1', 'web-b', 'node2', '10.47.255.249');
  fx.addPod('ns-user-1', 'web-c', 'node2', '10.47.255.248');
  fx.addService(
    'ns-user-1',
    'service-web-clusterip',
    VIP,
    [{ port: 8888, targetPort: 80 }],
    opts.hashing ? { hashing: opts.hashing } : {},
  );
  fx.setBackends(SVC, ['ns-user-1/web-a', 'ns-user-1/web-b', 'ns-user-1/web-c']);
  const processor = new FlowProcessor(dp);
  return { clock, store, fx, dp, processor };
}
