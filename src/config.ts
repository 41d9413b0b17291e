import { cleanEnv, host, num, port, str, url, bool, makeValidator, EnvError } from 'envalid';
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
  /** Most client connections open at once; more are closed on arrival. */
  maxConnections: number;
  /** The demo page at `/`; default on, off in production. */
  demoPage: boolean;
  /** Source maps under `/static/`; default on, off in production. */
  sourceMaps: boolean;
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
  maxConnections: 4096,
  demoPage: true,
  sourceMaps: true,
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

/**
 * Reads and validates the environment. envalid reports every bad variable by name and exits,
 * which is the message an operator needs; nothing secret is read here.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = cleanEnv(env, {
    HOST: host({ default: DEFAULT_CONFIG.host }),
    PORT: port({ default: DEFAULT_CONFIG.port }),
    KMS_ENDPOINT: url({ default: undefined }),
    KMS_PROJECT_ID: projectId({ default: undefined }),
    KMS_TIMEOUT_MS: num({ default: DEFAULT_CONFIG.kmsTimeoutMs }),
    KMS_READ_RETRIES: num({ default: DEFAULT_CONFIG.kmsReadRetries }),
    KMS_MAX_CONCURRENCY: num({ default: DEFAULT_CONFIG.kmsMaxConcurrency }),
    OPERATION_TIMEOUT_MS: num({ default: DEFAULT_CONFIG.operationTimeoutMs }),
    LOG_LEVEL: str({
      default: DEFAULT_CONFIG.logLevel,
      choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    }),
    NODE_ENV: str({ default: 'development' }),
    CORS_ORIGINS: list({ default: [] }),
    GRAPHIQL: bool({ default: undefined }),
    INTROSPECTION: bool({ default: undefined }),
    MAX_BODY_BYTES: num({ default: DEFAULT_CONFIG.maxBodyBytes }),
    MAX_DEPTH: num({ default: DEFAULT_CONFIG.maxDepth }),
    MAX_ALIASES: num({ default: DEFAULT_CONFIG.maxAliases }),
    MAX_TOKENS: num({ default: DEFAULT_CONFIG.maxTokens }),
    MAX_DIRECTIVES: num({ default: DEFAULT_CONFIG.maxDirectives }),
    MAX_REQUESTED_GRANTS: num({ default: DEFAULT_CONFIG.maxRequestedGrants }),
    KMS_BREAKER_THRESHOLD: num({ default: DEFAULT_CONFIG.breakerThreshold }),
    KMS_BREAKER_COOLDOWN_MS: num({ default: DEFAULT_CONFIG.breakerCooldownMs }),
    SHUTDOWN_GRACE_MS: num({ default: DEFAULT_CONFIG.shutdownGraceMs }),
    CURSOR_SECRET: str({ default: undefined }),
  });
  if (e.CURSOR_SECRET !== undefined && e.CURSOR_SECRET.length < 16) {
    throw new EnvError('CURSOR_SECRET must be at least 16 characters');
  }
  const production = e.NODE_ENV === 'production';
  if (e.KMS_ENDPOINT !== undefined && e.KMS_PROJECT_ID === undefined) {
    throw new EnvError('KMS_PROJECT_ID must be set when KMS_ENDPOINT is set');
  }
  if (e.KMS_ENDPOINT !== undefined && new URL(e.KMS_ENDPOINT).pathname !== '/') {
    throw new EnvError(`KMS_ENDPOINT must be a base URL without a path, got ${e.KMS_ENDPOINT}`);
  }
  return {
    host: e.HOST,
    port: e.PORT,
    kmsEndpoint: e.KMS_ENDPOINT?.replace(/\/$/, ''),
    kmsProjectId: e.KMS_PROJECT_ID,
    kmsTimeoutMs: positive('KMS_TIMEOUT_MS', e.KMS_TIMEOUT_MS),
    kmsReadRetries: e.KMS_READ_RETRIES,
    kmsMaxConcurrency: positive('KMS_MAX_CONCURRENCY', e.KMS_MAX_CONCURRENCY),
    operationTimeoutMs: positive('OPERATION_TIMEOUT_MS', e.OPERATION_TIMEOUT_MS),
    logLevel: e.LOG_LEVEL,
    production,
    corsOrigins: e.CORS_ORIGINS,
    graphiql: e.GRAPHIQL ?? !production,
    introspection: e.INTROSPECTION ?? !production,
    maxBodyBytes: positive('MAX_BODY_BYTES', e.MAX_BODY_BYTES),
    maxDepth: positive('MAX_DEPTH', e.MAX_DEPTH),
    maxAliases: positive('MAX_ALIASES', e.MAX_ALIASES),
    maxTokens: positive('MAX_TOKENS', e.MAX_TOKENS),
    maxDirectives: positive('MAX_DIRECTIVES', e.MAX_DIRECTIVES),
    maxRequestedGrants: positive('MAX_REQUESTED_GRANTS', e.MAX_REQUESTED_GRANTS),
    breakerThreshold: positive('KMS_BREAKER_THRESHOLD', e.KMS_BREAKER_THRESHOLD),
    breakerCooldownMs: positive('KMS_BREAKER_COOLDOWN_MS', e.KMS_BREAKER_COOLDOWN_MS),
    shutdownGraceMs: positive('SHUTDOWN_GRACE_MS', e.SHUTDOWN_GRACE_MS),
    cursorSecret: e.CURSOR_SECRET,
    kmsMaxResponseBytes: DEFAULT_CONFIG.kmsMaxResponseBytes,
    headersTimeoutMs: DEFAULT_CONFIG.headersTimeoutMs,
    requestTimeoutMs: DEFAULT_CONFIG.requestTimeoutMs,
    keepAliveTimeoutMs: DEFAULT_CONFIG.keepAliveTimeoutMs,
    maxConnections: DEFAULT_CONFIG.maxConnections,
    demoPage: !production,
    sourceMaps: !production,
  };
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new EnvError(`${name} must be a positive number, got ${value}`);
  return value;
}
