// The embedded simulation `npm start` runs when no external config API is configured: the config
// store behind a VNC-compatible API, and the UI routes over it. Later layers (Kubernetes model,
// kube-manager, vRouter dataplane) are composed here.

import type { FastifyPluginAsync } from 'fastify';
import { systemClock, type Clock } from './clock.ts';
import { createDefaultObjects } from './config-api/bootstrap.ts';
import { ConfigStore } from './config-api/store.ts';
import { randomIds, type IdSource } from './ids.ts';
import { eventRoutes } from './ui-server/routes/events.ts';

export interface SimulationOptions {
  clock?: Clock;
  ids?: IdSource;
  /** A scenario manifest (multi-document YAML); the seed's default when omitted. */
  scenarioFile?: string | undefined;
}

export interface Simulation {
  readonly store: ConfigStore;
  /** UI server route plugins over the simulation, each with its prefix. */
  readonly plugins: { prefix: string; plugin: FastifyPluginAsync }[];
  readonly info: Record<string, unknown>;
  stop(): void;
}

export async function startSimulation(opts: SimulationOptions = {}): Promise<Simulation> {
  const clock = opts.clock ?? systemClock;
  const store = new ConfigStore(clock, opts.ids ?? randomIds);
  createDefaultObjects(store);
  const plugins: Simulation['plugins'] = [{ prefix: '/api/events', plugin: eventRoutes(store) }];
  return {
    store,
    plugins,
    info: { mode: 'embedded', scenario: opts.scenarioFile ?? 'default' },
    stop: () => undefined,
  };
}
