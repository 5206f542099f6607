// The operator's own Prometheus metrics; per-cluster metrics register on the same registry.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ControllerMetrics {
  registry: Registry;
  reconciles: Counter<'controller' | 'result'>;
  reconcileErrors: Counter<'controller'>;
  reconcileDuration: Histogram<'controller'>;
  queueDepth: Gauge<'controller'>;
  informerRestarts: Counter<'informer'>;
  isLeader: Gauge;
}

export function createControllerMetrics(registry = new Registry()): ControllerMetrics {
  // unprefixed, as every Prometheus client names them, so stock process dashboards and alerts work as they are
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    reconciles: new Counter({
      name: 'aurora_operator_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue, error, terminal)',
      labelNames: ['controller', 'result'],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: 'aurora_operator_reconcile_errors_total',
      help: 'Reconciles that failed and were retried with backoff',
      labelNames: ['controller'],
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: 'aurora_operator_reconcile_duration_seconds',
      help: 'Time spent in one reconcile',
      labelNames: ['controller'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'aurora_operator_workqueue_depth',
      help: 'Keys waiting in the work queue',
      labelNames: ['controller'],
      registers: [registry],
    }),
    informerRestarts: new Counter({
      name: 'aurora_operator_informer_restarts_total',
      help: 'Informers restarted after an error or a stalled watch',
      labelNames: ['informer'],
      registers: [registry],
    }),
    isLeader: new Gauge({
      name: 'aurora_operator_leader',
      help: '1 when this operator replica holds the leader lease',
      registers: [registry],
    }),
  };
}
