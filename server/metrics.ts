// What any layer may report to the operator, as plain numbers. The composition root passes an
// implementation in (Prometheus, server/ui-server/metrics.ts); domain folders depend on this
// interface only and never import a metrics library. `noMetrics` is the default everywhere.

export type MetricLabels = Readonly<Record<string, string>>;

export interface MetricSpec {
  /** Prometheus style: `snake_case`, unit suffix (`_seconds`, `_total`). */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
}

export interface CounterMetric {
  inc(labels?: MetricLabels, by?: number): void;
}

export interface HistogramMetric {
  /** One observation: a duration in seconds, or a size. */
  observe(value: number, labels?: MetricLabels): void;
}

/** One value of a sampled gauge, with its labels. */
export interface MetricSample {
  readonly labels: MetricLabels;
  readonly value: number;
}

export interface Metrics {
  counter(spec: MetricSpec): CounterMetric;
  histogram(spec: MetricSpec & { readonly buckets?: readonly number[] }): HistogramMetric;
  /**
   * A gauge read at each scrape (object counts, queue depth): the layer keeps the number it already
   * has, and pays nothing until someone looks.
   */
  gauge(spec: MetricSpec, sample: () => number | readonly MetricSample[]): void;
}

const ignore = () => undefined;

/** Reports nowhere: for tests and for layers run without an operator. */
export const noMetrics: Metrics = {
  counter: () => ({ inc: ignore }),
  histogram: () => ({ observe: ignore }),
  gauge: ignore,
};
