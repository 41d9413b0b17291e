import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnvError } from 'envalid';
import { DEFAULT_CONFIG, loadConfig } from '../../src/config.ts';
import { ROOT, freePort } from '../../scripts/processes.ts';

/**
 * Configuration: every variable has an exact type and range, and a bad one stops start-up with
 * a message naming it. loadConfig throws (it neither prints nor exits); server/lifecycle.ts turns that into
 * `Configuration error: ...` on stderr and exit code 1.
 */

/** What loadConfig throws for `env`: the error's class and message (undefined: it did not throw). */
function failure(env: Record<string, string>): { name: string; message: string } | undefined {
  try {
    loadConfig(env);
    return undefined;
  } catch (error) {
    return { name: error instanceof EnvError ? 'EnvError' : String(error), message: (error as Error).message };
  }
}

/** The variables a failure's message names, of `names`. */
function named(env: Record<string, string>, names: string[]): string[] {
  const message = failure(env)?.message ?? '';
  return names.filter((name) => new RegExp(`\\b${name}\\b`).test(message));
}

afterEach(() => vi.restoreAllMocks());

describe('loadConfig (environment variables)', () => {
  it('accepts an empty environment: the defaults, development mode', () => {
    const config = loadConfig({});
    expect(config).toEqual({ ...DEFAULT_CONFIG, kmsEndpoint: undefined, kmsProjectId: undefined, cursorSecret: undefined });
  });

  it.each(['prod', 'Production', 'PRODUCTION', 'staging', 'dev', ''])('refuses NODE_ENV=%j, naming NODE_ENV', (value) => {
    const error = failure({ NODE_ENV: value });
    expect({ name: error?.name, names: named({ NODE_ENV: value }, ['NODE_ENV']) }).toEqual({ name: 'EnvError', names: ['NODE_ENV'] });
  });

  it.each([
    ['development', false],
    ['test', false],
    ['production', true],
  ])('accepts NODE_ENV=%s (production: %s)', (value, production) => {
    const config = loadConfig({ NODE_ENV: value });
    expect({ production: config.production, graphiql: config.graphiql, demoPage: config.demoPage, sourceMaps: config.sourceMaps }).toEqual({
      production,
      graphiql: !production,
      demoPage: !production,
      sourceMaps: !production,
    });
  });

  it.each([
    ['negative count', 'KMS_READ_RETRIES', '-3'],
    ['negative count', 'MAX_ALIASES', '-1'],
    ['fractional count', 'MAX_DEPTH', '2.5'],
    ['fractional count', 'KMS_BREAKER_THRESHOLD', '1.5'],
    ['fractional concurrency', 'KMS_MAX_CONCURRENCY', '0.5'],
    ['fractional milliseconds', 'KMS_TIMEOUT_MS', '1500.5'],
    ['exponent', 'OPERATION_TIMEOUT_MS', '1e4'],
    ['trailing unit', 'SHUTDOWN_GRACE_MS', '5000ms'],
    ['hexadecimal', 'MAX_TOKENS', '0x100'],
    ['padded', 'MAX_DIRECTIVES', ' 5'],
    ['empty', 'MAX_REQUESTED_GRANTS', ''],
    ['not a number', 'KMS_BREAKER_COOLDOWN_MS', 'soon'],
    ['non-boolean bool', 'GRAPHIQL', 'yes'],
    ['non-boolean bool', 'INTROSPECTION', 'on'],
    ['non-boolean bool', 'DEMO_PAGE', 'TRUE'],
    ['non-boolean bool', 'SOURCE_MAPS', 'enabled'],
    ['out of range: retries over 10', 'KMS_READ_RETRIES', '11'],
    ['out of range: port 0', 'PORT', '0'],
    ['out of range: port', 'PORT', '70000'],
    ['out of range: concurrency over the KMS client sockets', 'KMS_MAX_CONCURRENCY', '257'],
    ['out of range: zero connections', 'MAX_CONNECTIONS', '0'],
    ['out of range: reply cap under 64 KiB', 'KMS_MAX_RESPONSE_BYTES', '1000'],
    ['out of range: seconds given as milliseconds', 'HEADERS_TIMEOUT_MS', '10'],
    ['out of range: zero timeout', 'REQUEST_TIMEOUT_MS', '0'],
    ['out of range: zero keep-alive', 'KEEP_ALIVE_TIMEOUT_MS', '0'],
    ['out of range: KMS timeout over the 30 s answer bound', 'KMS_TIMEOUT_MS', '60000'],
    ['out of range: body cap', 'MAX_BODY_BYTES', '0'],
    ['unknown log level', 'LOG_LEVEL', 'verbose'],
  ])('refuses %s: %s=%j, naming it', (_class, name, value) => {
    const error = failure({ [name]: value });
    expect({ name: error?.name, names: named({ [name]: value }, [name]), echoesValue: error?.message.includes(`"${value}"`) }).toEqual({
      name: 'EnvError',
      names: [name],
      echoesValue: true,
    });
  });

  it('refuses REQUEST_TIMEOUT_MS below HEADERS_TIMEOUT_MS, naming both', () => {
    const env = { HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '15000' };
    expect({ name: failure(env)?.name, names: named(env, ['REQUEST_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS']) }).toEqual({
      name: 'EnvError',
      names: ['REQUEST_TIMEOUT_MS', 'HEADERS_TIMEOUT_MS'],
    });
    // Equal is fine; so is a request timeout left at its default above a small headers timeout.
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '20000' }).requestTimeoutMs).toBe(20_000);
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '40000' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });

  it('names every bad variable at once', () => {
    const env = { NODE_ENV: 'prod', KMS_READ_RETRIES: '-3', MAX_DEPTH: '2.5', KMS_MAX_CONCURRENCY: '0.5', GRAPHIQL: 'yes', PORT: '4000' };
    const all = ['NODE_ENV', 'KMS_READ_RETRIES', 'MAX_DEPTH', 'KMS_MAX_CONCURRENCY', 'GRAPHIQL', 'PORT'];
    expect(named(env, all)).toEqual(['NODE_ENV', 'KMS_READ_RETRIES', 'MAX_DEPTH', 'KMS_MAX_CONCURRENCY', 'GRAPHIQL']);
  });

  it('throws instead of printing or exiting (envalid’s default reporter does both)', () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const exited = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    expect(() => loadConfig({ NODE_ENV: 'prod' })).toThrow(EnvError);
    expect({ printed: printed.mock.calls.length, exited: exited.mock.calls.length }).toEqual({ printed: 0, exited: 0 });
  });

  it('reads every variable, the new ones included, with exact types', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '8080',
      KMS_ENDPOINT: 'https://kms.cn-north-4.myhuaweicloud.com/',
      KMS_PROJECT_ID: '0123456789abcdef0123456789abcdef',
      KMS_TIMEOUT_MS: '4000',
      KMS_READ_RETRIES: '0',
      KMS_MAX_CONCURRENCY: '16',
      OPERATION_TIMEOUT_MS: '20000',
      LOG_LEVEL: 'warn',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      GRAPHIQL: 'true',
      INTROSPECTION: '0',
      MAX_BODY_BYTES: '50000',
      MAX_DEPTH: '6',
      MAX_ALIASES: '10',
      MAX_TOKENS: '800',
      MAX_DIRECTIVES: '5',
      MAX_REQUESTED_GRANTS: '3000',
      KMS_BREAKER_THRESHOLD: '3',
      KMS_BREAKER_COOLDOWN_MS: '2000',
      SHUTDOWN_GRACE_MS: '15000',
      CURSOR_SECRET: 'a-shared-secret-of-32-characters',
      KMS_MAX_RESPONSE_BYTES: '1048576',
      HEADERS_TIMEOUT_MS: '5000',
      REQUEST_TIMEOUT_MS: '20000',
      KEEP_ALIVE_TIMEOUT_MS: '4000',
      MAX_CONNECTIONS: '500',
      DEMO_PAGE: '1',
      SOURCE_MAPS: 'false',
    });
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 8080,
      kmsEndpoint: 'https://kms.cn-north-4.myhuaweicloud.com',
      kmsProjectId: '0123456789abcdef0123456789abcdef',
      kmsTimeoutMs: 4000,
      kmsReadRetries: 0,
      kmsMaxConcurrency: 16,
      operationTimeoutMs: 20_000,
      logLevel: 'warn',
      production: true,
      corsOrigins: ['https://a.example', 'https://b.example'],
      graphiql: true,
      introspection: false,
      maxBodyBytes: 50_000,
      maxDepth: 6,
      maxAliases: 10,
      maxTokens: 800,
      maxDirectives: 5,
      maxRequestedGrants: 3000,
      breakerThreshold: 3,
      breakerCooldownMs: 2000,
      shutdownGraceMs: 15_000,
      cursorSecret: 'a-shared-secret-of-32-characters',
      kmsMaxResponseBytes: 1_048_576,
      headersTimeoutMs: 5000,
      requestTimeoutMs: 20_000,
      keepAliveTimeoutMs: 4000,
      maxConnections: 500,
      demoPage: true,
      sourceMaps: false,
    });
  });

  it('keeps the KMS_ENDPOINT checks: base URL only, http(s) only, project id required', () => {
    const project = { KMS_PROJECT_ID: '0123456789abcdef0123456789abcdef' };
    expect([
      named({ KMS_ENDPOINT: 'https://kms.example/v1.0', ...project }, ['KMS_ENDPOINT']),
      named({ KMS_ENDPOINT: 'ftp://kms.example', ...project }, ['KMS_ENDPOINT']),
      named({ KMS_ENDPOINT: 'not a url', ...project }, ['KMS_ENDPOINT']),
      named({ KMS_ENDPOINT: 'https://kms.example' }, ['KMS_PROJECT_ID']),
      named({ KMS_ENDPOINT: 'https://kms.example', KMS_PROJECT_ID: 'short' }, ['KMS_PROJECT_ID']),
      named({ CURSOR_SECRET: 'short' }, ['CURSOR_SECRET']),
    ]).toEqual([['KMS_ENDPOINT'], ['KMS_ENDPOINT'], ['KMS_ENDPOINT'], ['KMS_PROJECT_ID'], ['KMS_PROJECT_ID'], ['CURSOR_SECRET']]);
  });
});

/**
 * Runs the built server (`npm start`'s `node dist/server/main.js`) with only PATH, HOME, a free
 * PORT (should it start after all) and `env`, until it exits.
 */
async function runBuiltServer(
  env: Record<string, string>,
  deadlineMs = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const port = String(await freePort());
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/server/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', HOST: '127.0.0.1', PORT: port, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // It started anyway (the bug): stop it now rather than at the deadline.
      if (stdout.includes('KMS grants gateway:')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A server that neither starts nor exits: kill it, and the test fails on its exit code.
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('start-up with a bad variable (the built server)', () => {
  it('exits 1 on NODE_ENV=prod, with a stderr line naming NODE_ENV, before serving', async () => {
    const { code, stdout, stderr } = await runBuiltServer({ NODE_ENV: 'prod' });
    expect({
      code,
      line:
        stderr.split('\n').find((line) => line.startsWith('Configuration error:') && /\bNODE_ENV\b/.test(line)) !== undefined
          ? 'named'
          : stderr,
      served: stdout.includes('KMS grants gateway:'),
    }).toEqual({ code: 1, line: 'named', served: false });
  });

  it('exits 1 naming every bad count at once (KMS_READ_RETRIES=-3, MAX_DEPTH=2.5, KMS_MAX_CONCURRENCY=0.5)', async () => {
    const { code, stderr } = await runBuiltServer({ KMS_READ_RETRIES: '-3', MAX_DEPTH: '2.5', KMS_MAX_CONCURRENCY: '0.5' });
    const line = stderr.split('\n').find((l) => l.startsWith('Configuration error:')) ?? '';
    expect({ code, named: ['KMS_READ_RETRIES', 'MAX_DEPTH', 'KMS_MAX_CONCURRENCY'].filter((name) => line.includes(name)) }).toEqual({
      code: 1,
      named: ['KMS_READ_RETRIES', 'MAX_DEPTH', 'KMS_MAX_CONCURRENCY'],
    });
  });
});
