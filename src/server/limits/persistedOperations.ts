import { existsSync, readFileSync } from 'node:fs';
import { parse, type DocumentNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Persisted (trusted) operations: the documents a frontend was built with, known to the gateway
 * by their SHA-256 hash. `npm run codegen` writes them (client preset, `persistedDocuments`) to
 * client/generated/persisted-documents.json as `{"sha256:<hex>": "<document text>"}`, and each
 * generated document carries its hash as `__meta__.hash`. A frontend then sends the hash instead
 * of the text, either way:
 * - `"extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<hex>" } }` (Apollo's and
 *   urql's persisted-query links), or
 * - `"documentId": "sha256:<hex>"` (GraphQL over HTTP's persisted documents).
 * The gateway parses each listed document once, at start, so such a request is neither parsed
 * nor (after its first use) validated again: the same document object serves every request.
 */
export interface PersistedOperations {
  /** Document text and its parsed form, by `sha256:<hex>`. */
  byHash: ReadonlyMap<string, { text: string; document: DocumentNode }>;
  /** Refuse any document that is not in the list (PERSISTED_OPERATIONS_ONLY). */
  only: boolean;
}

/**
 * Reads a persisted-documents.json. Throws (start-up stops) when `file` cannot be read or
 * parsed, or holds a document that is not GraphQL: a broken list would refuse every frontend.
 */
export function loadPersistedOperations(file: string): Map<string, { text: string; document: DocumentNode }> {
  const list: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof list !== 'object' || list === null || Array.isArray(list)) throw new Error(`${file}: not a JSON object of hash -> document`);
  const byHash = new Map<string, { text: string; document: DocumentNode }>();
  for (const [hash, text] of Object.entries(list)) {
    const key = hashKey(hash);
    if (key === undefined || typeof text !== 'string')
      throw new Error(`${file}: ${JSON.stringify(hash)} is not "sha256:<64 hex digits>" -> document text`);
    byHash.set(key, { text, document: parse(text) });
  }
  return byHash;
}

/** The list the gateway uses: `file`, else the project's own client/generated list when it exists. */
export function persistedOperationsFor(file: string | undefined, projectList: string, only: boolean): PersistedOperations {
  const path = file ?? (existsSync(projectList) ? projectList : undefined);
  const byHash = path === undefined ? new Map() : loadPersistedOperations(path);
  if (only && byHash.size === 0)
    throw new Error('PERSISTED_OPERATIONS_ONLY is set but there are no persisted operations (PERSISTED_OPERATIONS_FILE)');
  return { byHash, only };
}

/** `sha256:<hex>` for a hash given as `sha256:<hex>` or bare hex; undefined for anything else. */
function hashKey(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const hex = value.startsWith('sha256:') ? value.slice(7) : value;
  return /^[0-9a-fA-F]{64}$/.test(hex) ? `sha256:${hex.toLowerCase()}` : undefined;
}

/** The hash a request names, if it names one: `documentId`, or the persisted-query extension. */
function requestedHash(params: { extensions?: Record<string, unknown> } & Record<string, unknown>): unknown {
  if (params['documentId'] != null) return params['documentId'];
  const persisted = params.extensions?.['persistedQuery'];
  if (typeof persisted === 'object' && persisted !== null) return (persisted as Record<string, unknown>)['sha256Hash'] ?? null;
  return undefined;
}

const requestError = (message: string) => createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

/**
 * Runs the listed document a request names by hash. An unknown hash is `PersistedQueryNotFound`
 * (400, BAD_USER_INPUT; the message persisted-query links recognise), unless the request also
 * carries the document's text and the gateway accepts any document, which then runs. With
 * `only`, a request without a known hash is refused before it is parsed.
 */
export function usePersistedOperations({ byHash, only }: PersistedOperations): Plugin {
  const persisted = new WeakMap<object, DocumentNode>();
  return {
    onParams({ params, setParams, context }) {
      const raw = params as typeof params & Record<string, unknown>;
      const hash = requestedHash(raw);
      if (hash === undefined) {
        if (only)
          throw requestError(
            'PersistedQueryOnly: this gateway runs only its persisted operations; send the document hash (extensions.persistedQuery.sha256Hash, or documentId)',
          );
        return;
      }
      const key = hashKey(hash);
      const found = key === undefined ? undefined : byHash.get(key);
      if (found === undefined) {
        if (!only && typeof params.query === 'string' && params.query !== '') {
          // `documentId` is not a parameter yoga knows: drop it, keep the rest.
          const { documentId: _documentId, ...rest } = raw;
          setParams(rest);
          return;
        }
        throw requestError('PersistedQueryNotFound');
      }
      // The listed text, the same string every time: yoga's caches hit by identity.
      setParams({ query: found.text, operationName: params.operationName, variables: params.variables, extensions: params.extensions });
      persisted.set(context, found.document);
    },
    onParse({ context, setParsedDocument }) {
      const document = persisted.get(context);
      if (document !== undefined) setParsedDocument(document);
    },
  };
}
