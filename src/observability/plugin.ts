import type { DocumentNode, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayContext } from '../server/context.ts';
import { selectedOperation } from '../server/limits/rootFields.ts';
import type { Logger } from './logger.ts';
import type { GatewayMetrics } from './metrics.ts';

/**
 * One log line and the metrics of each operation: name, type, duration, KMS calls made,
 * outcome and error codes; operations refused by validation (shape limits) or before execution
 * (no token, too many grants) included. Never the query text, variables or headers (tokens).
 * It must be the first plugin, so that its hooks run around every refusal.
 */
export function useOperationTelemetry(logger: Logger, metrics: GatewayMetrics): Plugin<GatewayContext> {
  const record = (
    // Validation runs before yoga builds our context: only the server context's requestId is there.
    context: Pick<GatewayContext, 'requestId'> & Partial<GatewayContext>,
    document: DocumentNode,
    operationName: string | null | undefined,
    started: number,
    errors: readonly Error[],
    hasData: boolean,
  ): void => {
    const operation = selectedOperation(document, operationName);
    const type = operation?.operation ?? 'unknown';
    const seconds = (performance.now() - started) / 1000;
    const codes = errors.map((e) => String((e as Partial<GraphQLError>).extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
    const outcome = errors.length === 0 ? 'ok' : hasData ? 'partial' : 'error';
    metrics.operations.inc({ type, outcome });
    metrics.operationSeconds.observe({ type }, seconds);
    for (const code of codes) metrics.errors.inc({ code });
    logger.info(
      {
        requestId: context.requestId,
        operation: operationName ?? operation?.name?.value ?? null,
        type,
        ms: Math.round(seconds * 1000),
        kmsCalls: context.stats?.kmsCalls ?? 0,
        outcome,
        errors: codes,
      },
      'graphql operation',
    );
  };

  return {
    onValidate({ context, params }) {
      const started = performance.now();
      return ({ valid, result }) => {
        if (valid) return;
        const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName;
        record(context, params.documentAST, operationName, started, result, false);
      };
    },
    onExecute({ args }) {
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          if (!('errors' in result) && !('data' in result)) return; // streamed results: not used here
          record(args.contextValue, args.document, args.operationName, started, result.errors ?? [], result.data != null);
        },
      };
    },
  };
}
