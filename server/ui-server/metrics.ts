// Prometheus metrics on the UI server (GET /metrics, prom-client): the implementation of the
// Metrics interface (server/metrics.ts) the composition root hands to every layer, the UI server's
// own instruments, and the process's (event-loop delay, memory, GC). The only prom-client import.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type {
  CounterMetric,
  HistogramMetric,
  MetricLabels,
  MetricSample,
  Metrics,
  MetricSpec,
} from '../metrics.ts';

/** Seconds; from a cached answer (~1 ms) to the upstream deadline's order of magnitude. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

let processRegistry: Registry | undefined;

/**
 * Node's own metrics, once per process however many servers it runs (each UI server built in a test
 * would otherwise start another event-loop delay monitor). Includes `nodejs_eventloop_lag_*`.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 10 });
  }
  return processRegistry;
}

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();

  counter(spec: MetricSpec): CounterMetric {
    const counter = new Counter({
      name: spec.name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      registers: [this.registry],
    });
    return { inc: (labels?: MetricLabels, by = 1) => (labels ? counter.inc(labels, by) : counter.inc(by)) };
  }

  histogram(spec: MetricSpec & { readonly buckets?: readonly number[] }): HistogramMetric {
    const histogram = new Histogram({
      name: spec.name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      buckets: [...(spec.buckets ?? LATENCY_BUCKETS)],
      registers: [this.registry],
    });
    return {
      observe: (value: number, labels?: MetricLabels) =>
        labels ? histogram.observe(labels, value) : histogram.observe(value),
    };
  }

  gauge(spec: MetricSpec, sample: () => number | readonly MetricSample[]): void {
    const gauge = new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: [...(spec.labelNames ?? [])],
      registers: [],
      collect() {
        const value = sample();
        if (typeof value === 'number') {
          this.set(value);
          return;
        }
        this.reset();
        for (const s of value) this.set(s.labels, s.value);
      },
    });
    this.registry.registerMetric(gauge);
  }

  readonly contentType = this.registry.contentType;

  /** The exposition text: this server's metrics, then the process's. */
  async text(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }
}

/** The UI server's own instruments, registered once per server. */
export interface UiInstruments {
  requests: CounterMetric;
  requestSeconds: HistogramMetric;
  upstreamSeconds: HistogramMetric;
  upstreamErrors: CounterMetric;
}

export function uiInstruments(metrics: Metrics): UiInstruments {
  return {
    requests: metrics.counter({
      name: 'ui_http_requests_total',
      help: 'Requests answered by the UI server, by route pattern, method and status code.',
      labelNames: ['method', 'route', 'status_code'],
    }),
    requestSeconds: metrics.histogram({
      name: 'ui_http_request_duration_seconds',
      help: 'Time from request to response on the UI server, by route pattern and method.',
      labelNames: ['method', 'route'],
    }),
    upstreamSeconds: metrics.histogram({
      name: 'ui_upstream_request_duration_seconds',
      help: 'Time an upstream (config API, Kubernetes API) took to answer (response headers), by UI server client.',
      labelNames: ['client'],
    }),
    upstreamErrors: metrics.counter({
      name: 'ui_upstream_errors_total',
      help: 'Upstream calls that failed (config API, Keystone, Kubernetes API), by client and reason (unreachable, timeout, status, body, auth).',
      labelNames: ['client', 'reason'],
    }),
  };
}
