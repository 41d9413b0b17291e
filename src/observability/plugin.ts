import type { DocumentNode, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerResponse } from 'node:http';
import type { GatewayContext } from '../server/context.ts';
import { requestIdOf } from '../server/http.ts';
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
  // The operation's type and name depend only on the document (yoga reuses the parsed document of
  // a query text it has seen) and the operation name: worked out once per document.
  const operations = new WeakMap<DocumentNode, Map<string | null | undefined, { type: string; name: string | null }>>();
  const operationOf = (document: DocumentNode, operationName: string | null | undefined): { type: string; name: string | null } => {
    let byName = operations.get(document);
    if (byName === undefined) {
      byName = new Map();
      operations.set(document, byName);
    }
    let found = byName.get(operationName);
    if (found === undefined) {
      const operation = selectedOperation(document, operationName);
      found = { type: operation?.operation ?? 'unknown', name: operationName ?? operation?.name?.value ?? null };
      // A caller could send many operation names for one document: only the names it holds are kept.
      if (operation !== undefined || byName.size < 8) byName.set(operationName, found);
    }
    return found;
  };
  const record = (
    // Validation runs before yoga builds our context: only the server context (its `res`) is there.
    context: Partial<Pick<GatewayContext, 'requestId' | 'stats'>> & { res?: Pick<ServerResponse, 'getHeader'> },
    document: DocumentNode,
    operationName: string | null | undefined,
    started: number,
    errors: readonly Error[],
    hasData: boolean,
  ): void => {
    const { type, name } = operationOf(document, operationName);
    const seconds = (performance.now() - started) / 1000;
    const codes = errors.map((e) => String((e as Partial<GraphQLError>).extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
    const outcome = errors.length === 0 ? 'ok' : hasData ? 'partial' : 'error';
    metrics.operations.inc({ type, outcome });
    metrics.operationSeconds.observe({ type }, seconds);
    for (const code of codes) metrics.errors.inc({ code });
    logger.info(
      {
        requestId: context.requestId ?? requestIdOf(context.res) ?? null,
        operation: name,
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
