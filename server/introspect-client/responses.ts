// Every Sandesh response the introspect client can read, by name, from the declarations in
// model/dataplane/sandesh (the same tables the simulated agent writes from). Data only.

import * as agent from '@model/dataplane/sandesh/agent.ts';
import * as controller from '@model/dataplane/sandesh/controller.ts';
import * as kstate from '@model/dataplane/sandesh/kstate.ts';
import * as pkt from '@model/dataplane/sandesh/pkt.ts';
import type { SandeshDef } from '@model/dataplane/sandesh/schema.ts';

const isResponse = (value: unknown): value is SandeshDef =>
  typeof value === 'object' && value !== null && (value as SandeshDef).sandesh === 'response';

export const RESPONSE_DEFS: ReadonlyMap<string, SandeshDef> = new Map(
  [agent, kstate, pkt, controller].flatMap((module) =>
    Object.values(module)
      .filter(isResponse)
      .map((def) => [def.name, def] as const),
  ),
);
