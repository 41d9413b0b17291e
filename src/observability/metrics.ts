import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, on a registry of its own (one per gateway instance). */
export interface GatewayMetrics {
  registry: Registry;
  operations: Counter<'type' | 'outcome'>;
  errors: Counter<'code'>;
  operationSeconds: Histogram<'type'>;
  kmsCalls: Counter<'action' | 'status'>;
  kmsSeconds: Histogram<'action'>;
  batchSize: Histogram<'loader'>;
}

/** Creates the registry served at `GET /metrics`. */
export function createMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    operations: new Counter({
      name: 'gateway_graphql_operations_total',
      help: 'GraphQL operations executed, by type and outcome (ok, error, partial).',
      labelNames: ['type', 'outcome'],
      registers,
    }),
    errors: new Counter({
      name: 'gateway_graphql_errors_total',
      help: 'GraphQL errors returned, by extensions.code.',
      labelNames: ['code'],
      registers,
    }),
    operationSeconds: new Histogram({
      name: 'gateway_graphql_operation_duration_seconds',
      help: 'GraphQL operation execution time.',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    kmsCalls: new Counter({
      name: 'gateway_kms_calls_total',
      help: 'KMS attempts (each retry counts), by action and HTTP status (0 = no response).',
      labelNames: ['action', 'status'],
      registers,
    }),
    kmsSeconds: new Histogram({
      name: 'gateway_kms_call_duration_seconds',
      help: 'KMS attempt latency (each retry is an attempt of its own).',
      labelNames: ['action'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchSize: new Histogram({
      name: 'gateway_dataloader_batch_size',
      help: 'Keys per DataLoader batch.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers,
    }),
  };
}
