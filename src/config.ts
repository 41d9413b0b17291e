import { cleanEnv, host, port, str, url, makeValidator, EnvError } from 'envalid';
import { flag, integer, millis, oneOf, throwEnvErrors } from './envValidators.ts';
import { KMS_PATTERNS } from './kms/types.ts';

/** Everything the gateway reads from its environment, validated once at start-up. */
export interface GatewayConfig {
  /** Interface to bind; loopback unless told otherwise. */
  host: string;
  /** Port to listen on; 0 picks a free one (tests). */
  port: number;
  /** KMS base URL without a path, e.g. `https://kms.cn-north-4.myhuaweicloud.com`; undefined = embedded emulator. */
  kmsEndpoint: string | undefined;
  /** The IAM project id in every KMS path (32 characters). */
  kmsProjectId: string | undefined;
  /** Per-call KMS timeout, milliseconds. */
  kmsTimeoutMs: number;
  /** How many times a read (list, describe) is retried on a network error or 502/503/504. */
  kmsReadRetries: number;
  /** Upper bound on concurrent KMS calls made for one GraphQL operation. */
  kmsMaxConcurrency: number;
  /** Overall deadline for one GraphQL operation, milliseconds. */
  operationTimeoutMs: number;
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string;
  /** NODE_ENV=production: GraphiQL, introspection and field suggestions off unless enabled. */
  production: boolean;
  /** Origins allowed to call cross-origin (CORS); empty = none. */
  corsOrigins: string[];
  /** GraphiQL on browser GET of /graphql; default on, off in production. */
  graphiql: boolean;
  /** Schema introspection; default on, off in production. */
  introspection: boolean;
  /** Largest request body accepted, bytes. */
  maxBodyBytes: number;
  /** Operation shape limits (graphql-armor). */
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Most grants one operation may ask for: the sum of `first` over its connections. */
  maxRequestedGrants: number;
  /** Consecutive KMS failures that open the circuit breaker, and its cool-down. */
  breakerThreshold: number;
  breakerCooldownMs: number;
  /** How long shutdown waits for in-flight requests, milliseconds. */
  shutdownGraceMs: number;
  /** Key that signs cursors; replicas must share it. Unset: random per process. */
  cursorSecret: string | undefined;
  /** Largest KMS reply read, bytes after decompression; a larger or endless one is UPSTREAM_ERROR. */
  kmsMaxResponseBytes: number;
  /** A client must send its request headers within this time, milliseconds. */
  headersTimeoutMs: number;
  /** A client must send its whole request within this time, milliseconds. */
  requestTimeoutMs: number;
  /** An idle keep-alive client connection is closed after this time, milliseconds. */
  keepAliveTimeoutMs: number;
  /**
   * Most client connections open at once; more are closed on arrival. Each costs a file
   * descriptor, as does each of the KMS client's (up to 256) sockets.
   */
  maxConnections: number;
  /** The demo page at `/`; default on, off in production. */
  demoPage: boolean;
  /** Source maps under `/static/`; default on, off in production. */
  sourceMaps: boolean;
  /**
   * The persisted (trusted) operations, a persisted-documents.json (`{"sha256:<hex>": "<document>"}`);
   * undefined: the project's own, client/generated/persisted-documents.json (`npm run codegen`).
   */
  persistedOperationsFile?: string | undefined;
  /** Run only the persisted operations: any other document is refused (undefined: false). */
  persistedOperationsOnly?: boolean | undefined;
}

/** Defaults for everything but the KMS location; tests and embedders override what they need. */
export const DEFAULT_CONFIG: Omit<GatewayConfig, 'kmsEndpoint' | 'kmsProjectId'> = {
  host: '127.0.0.1',
  port: 4000,
  kmsTimeoutMs: 5000,
  kmsReadRetries: 2,
  kmsMaxConcurrency: 8,
  operationTimeoutMs: 25_000,
  logLevel: 'info',
  production: false,
  corsOrigins: [],
  graphiql: true,
  introspection: true,
  maxBodyBytes: 100_000,
  maxDepth: 8,
  maxAliases: 15,
  maxTokens: 1000,
  maxDirectives: 10,
  maxRequestedGrants: 5000,
  breakerThreshold: 5,
  breakerCooldownMs: 5000,
  shutdownGraceMs: 10_000,
  cursorSecret: undefined,
  kmsMaxResponseBytes: 4 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5000,
  // Well under common descriptor limits: 1000 clients + 256 KMS sockets + a few files fit in
  // 4096 with room to spare (Node raises its soft limit to the hard one at start). Where the
  // hard limit is 1024, set MAX_CONNECTIONS to about 700.
  maxConnections: 1000,
  demoPage: true,
  sourceMaps: true,
  persistedOperationsFile: undefined,
  persistedOperationsOnly: undefined,
};

const projectId = makeValidator<string>((value) => {
  if (!KMS_PATTERNS.projectId.test(value)) throw new EnvError('must be a 32-character IAM project id');
  return value;
});

const list = makeValidator<string[]>((value) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

const NODE_ENVS = ['development', 'production', 'test'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads and validates the environment: every variable has an exact type and range, and any
 * bad one throws an EnvError naming it (all of them, when several are bad). Pure: reads only
 * `env`, exits nothing, prints nothing; nothing secret is read here.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = cleanEnv(
    env,
    {
      HOST: host({ default: DEFAULT_CONFIG.host }),
      PORT: port({ default: DEFAULT_CONFIG.port }),
      KMS_ENDPOINT: url({ default: undefined }),
      KMS_PROJECT_ID: projectId({ default: undefined }),
      KMS_TIMEOUT_MS: millis(30_000)({ default: DEFAULT_CONFIG.kmsTimeoutMs }),
      KMS_READ_RETRIES: integer(0, 10)({ default: DEFAULT_CONFIG.kmsReadRetries }),
      // The KMS client keeps at most 256 sockets.
      KMS_MAX_CONCURRENCY: integer(1, 256)({ default: DEFAULT_CONFIG.kmsMaxConcurrency }),
      // The contract answers every UPSTREAM_* error within 30 s, and recovers within 30 s.
      OPERATION_TIMEOUT_MS: millis(30_000)({ default: DEFAULT_CONFIG.operationTimeoutMs }),
      LOG_LEVEL: oneOf(LOG_LEVELS)({ default: DEFAULT_CONFIG.logLevel as (typeof LOG_LEVELS)[number] }),
      NODE_ENV: oneOf(NODE_ENVS)({ default: 'development' }),
      CORS_ORIGINS: list({ default: [] }),
      GRAPHIQL: flag({ default: undefined }),
      INTROSPECTION: flag({ default: undefined }),
      DEMO_PAGE: flag({ default: undefined }),
      SOURCE_MAPS: flag({ default: undefined }),
      MAX_BODY_BYTES: integer(1024, 10 * 1024 * 1024)({ default: DEFAULT_CONFIG.maxBodyBytes }),
      MAX_DEPTH: integer(1, 100)({ default: DEFAULT_CONFIG.maxDepth }),
      MAX_ALIASES: integer(1, 1000)({ default: DEFAULT_CONFIG.maxAliases }),
      MAX_TOKENS: integer(1, 100_000)({ default: DEFAULT_CONFIG.maxTokens }),
      MAX_DIRECTIVES: integer(1, 1000)({ default: DEFAULT_CONFIG.maxDirectives }),
      MAX_REQUESTED_GRANTS: integer(1, 1_000_000)({ default: DEFAULT_CONFIG.maxRequestedGrants }),
      KMS_BREAKER_THRESHOLD: integer(1, 1000)({ default: DEFAULT_CONFIG.breakerThreshold }),
      KMS_BREAKER_COOLDOWN_MS: millis(30_000)({ default: DEFAULT_CONFIG.breakerCooldownMs }),
      SHUTDOWN_GRACE_MS: millis(300_000)({ default: DEFAULT_CONFIG.shutdownGraceMs }),
      CURSOR_SECRET: str({ default: undefined }),
      KMS_MAX_RESPONSE_BYTES: integer(64 * 1024, 256 * 1024 * 1024)({ default: DEFAULT_CONFIG.kmsMaxResponseBytes }),
      HEADERS_TIMEOUT_MS: millis(120_000)({ default: DEFAULT_CONFIG.headersTimeoutMs }),
      REQUEST_TIMEOUT_MS: millis(600_000)({ default: DEFAULT_CONFIG.requestTimeoutMs }),
      KEEP_ALIVE_TIMEOUT_MS: millis(600_000)({ default: DEFAULT_CONFIG.keepAliveTimeoutMs }),
      MAX_CONNECTIONS: integer(1, 1_000_000)({ default: DEFAULT_CONFIG.maxConnections }),
      PERSISTED_OPERATIONS_FILE: str({ default: undefined }),
      PERSISTED_OPERATIONS_ONLY: flag({ default: undefined }),
    },
    { reporter: throwEnvErrors },
  );
  if (e.CURSOR_SECRET !== undefined && e.CURSOR_SECRET.length < 16) {
    throw new EnvError('CURSOR_SECRET must be at least 16 characters');
  }
  if (e.REQUEST_TIMEOUT_MS < e.HEADERS_TIMEOUT_MS) {
    // Node refuses it too: the headers are part of the request.
    throw new EnvError(`REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS}) must be at least HEADERS_TIMEOUT_MS (${e.HEADERS_TIMEOUT_MS})`);
  }
  const production = e.NODE_ENV === 'production';
  if (e.KMS_ENDPOINT !== undefined) {
    if (e.KMS_PROJECT_ID === undefined) throw new EnvError('KMS_PROJECT_ID must be set when KMS_ENDPOINT is set');
    const endpoint = new URL(e.KMS_ENDPOINT);
    if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
      throw new EnvError(`KMS_ENDPOINT must be an http or https URL, got ${e.KMS_ENDPOINT}`);
    }
    if (endpoint.pathname !== '/' || endpoint.search !== '' || endpoint.hash !== '') {
      throw new EnvError(`KMS_ENDPOINT must be a base URL without a path, got ${e.KMS_ENDPOINT}`);
    }
  }
  return {
    host: e.HOST,
    port: e.PORT,
    kmsEndpoint: e.KMS_ENDPOINT?.replace(/\/$/, ''),
    kmsProjectId: e.KMS_PROJECT_ID,
    kmsTimeoutMs: e.KMS_TIMEOUT_MS,
    kmsReadRetries: e.KMS_READ_RETRIES,
    kmsMaxConcurrency: e.KMS_MAX_CONCURRENCY,
    operationTimeoutMs: e.OPERATION_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    production,
    corsOrigins: e.CORS_ORIGINS,
    graphiql: e.GRAPHIQL ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    maxBodyBytes: e.MAX_BODY_BYTES,
    maxDepth: e.MAX_DEPTH,
    maxAliases: e.MAX_ALIASES,
    maxTokens: e.MAX_TOKENS,
    maxDirectives: e.MAX_DIRECTIVES,
    maxRequestedGrants: e.MAX_REQUESTED_GRANTS,
    breakerThreshold: e.KMS_BREAKER_THRESHOLD,
    breakerCooldownMs: e.KMS_BREAKER_COOLDOWN_MS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    cursorSecret: e.CURSOR_SECRET,
    kmsMaxResponseBytes: e.KMS_MAX_RESPONSE_BYTES,
    headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    maxConnections: e.MAX_CONNECTIONS,
    demoPage: e.DEMO_PAGE ?? !production,
    sourceMaps: e.SOURCE_MAPS ?? !production,
    persistedOperationsFile: e.PERSISTED_OPERATIONS_FILE,
    persistedOperationsOnly: e.PERSISTED_OPERATIONS_ONLY,
  };
}
