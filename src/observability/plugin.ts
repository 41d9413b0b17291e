import { Kind, type DefinitionNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../server/context.ts';
import type { Logger } from './logger.ts';
import type { GatewayMetrics } from './metrics.ts';

/**
 * One log line and the metrics of each executed operation: name, type, duration, KMS calls
 * made, outcome and error codes. Never the query text, variables or headers (tokens).
 */
export function useOperationTelemetry(logger: Logger, metrics: GatewayMetrics): Plugin<GatewayContext> {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const context = args.contextValue;
      const operation = args.document.definitions.find(
        (d: DefinitionNode): d is OperationDefinitionNode =>
          d.kind === Kind.OPERATION_DEFINITION && (args.operationName == null || d.name?.value === args.operationName),
      );
      const type = operation?.operation ?? 'unknown';
      const name = args.operationName ?? operation?.name?.value ?? null;
      return {
        onExecuteDone({ result }) {
          if (!('errors' in result) && !('data' in result)) return; // streamed results: not used here
          const seconds = (performance.now() - started) / 1000;
          const errors: readonly GraphQLError[] = result.errors ?? [];
          const codes = errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          const outcome = errors.length === 0 ? 'ok' : result.data ? 'partial' : 'error';
          metrics.operations.inc({ type, outcome });
          metrics.operationSeconds.observe({ type }, seconds);
          for (const code of codes) metrics.errors.inc({ code });
          logger.info(
            { requestId: context.requestId, operation: name, type, ms: Math.round(seconds * 1000), kmsCalls: context.stats.kmsCalls, outcome, errors: codes },
            'graphql operation',
          );
        },
      };
    },
  };
}
