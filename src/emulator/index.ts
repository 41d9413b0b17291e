/**
 * The KMS emulator's public API: {@link startEmulator} starts a real HTTP server serving the KMS
 * grant and key actions and a minimal IAM, over the demo (or a given) data set. Used by
 * `npm run emulator`, by the gateway when no KMS_ENDPOINT is set, and by the tests.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { TokenCodec } from './auth/tokens.ts';
import { FaultController } from './faults.ts';
import { issueToken, TOKEN_TTL_MS } from './iam.ts';
import { accountsState, demoState } from './seed.ts';
import { buildServer } from './server.ts';
import { parseState } from './state-file.ts';
import type { EmulatorSettings, ReceivedRequest } from './context.ts';
import { MarkerBook, type MarkerStyle } from './markers.ts';
import type { State } from './state.ts';
import { defaultProjectOf, findDomain, findProject } from './state.ts';
import { Store } from './store.ts';

export { DEMO } from './seed.ts';
export type { FaultRule, FaultEffect } from './faults.ts';
export type { EmulatorSettings, ReceivedRequest } from './context.ts';
export type { MarkerStyle } from './markers.ts';
export { FaultController } from './faults.ts';

/** How to start the emulator; every field is optional. */
export interface EmulatorOptions {
  /** Interface to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port; default 0 = a free port. */
  port?: number;
  /** `demo` (default), `empty` (the demo accounts, no keys or grants), or a path to a JSON seed file. */
  seed?: string;
  /** Persist state in this file: loaded if present (the seed is then ignored), else seeded and written. */
  statePath?: string;
  /** Per-key grant quota. Default 100 (KMS's). */
  grantsPerKey?: number;
  /** The clock, epoch ms. Default Date.now. */
  now?: () => number;
  /** fastify's request log. Default off. */
  logger?: boolean;
  /** Largest page served whatever `limit` asks (KMS may cap its pages). Default: none. */
  pageCap?: number;
  /** `offset` (KMS's decimal offsets, the default) or `opaque` (random tokens bound to their listing). */
  markers?: MarkerStyle;
  /** Answer list reads from a cache of serialised answers until the next change (benchmark upstream). Default off. */
  answerCache?: boolean;
}

/** A user of the loaded data, with what a client needs to call as them. */
export interface DemoUser {
  name: string;
  password: string;
  userId: string;
  domainId: string;
  domainName: string;
  /** The project of the user's account that `token` is scoped to. */
  projectId: string;
  accessKey: string;
  secretKey: string;
  /** A ready `X-Auth-Token`, valid 24 h from start-up. */
  token: string;
}

/** Every user of the loaded data, by user name. */
export type DemoInfo = Readonly<Record<string, DemoUser>>;

/** A running emulator. */
export interface RunningEmulator {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** The first project (for `demo`: `0123456789abcdef0123456789abcdef`). */
  projectId: string;
  demo: DemoInfo;
  faults: FaultController;
  /** Every KMS request received since start (or the last reset), oldest first. */
  requests: ReceivedRequest[];
  /** Page cap, marker style and answer cache, changeable at any time (issued markers stay valid). */
  settings: EmulatorSettings;
  /** Back to how it started: the initial data and settings, no fault rules, no recorded requests (issued markers stay valid). */
  reset(): Promise<void>;
  /**
   * An `X-Auth-Token` for the user named `userName` (first match), scoped to `projectId` (default:
   * the first project of the user's account; any id is accepted, to test KMS.0321), valid `ttlMs`
   * (default 24 h) from `issuedAt` (default now). Throws for an unknown user name.
   */
  issueToken(userName: string, opts?: { projectId?: string; ttlMs?: number; issuedAt?: number }): string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

async function seedState(seed: string, secret: string): Promise<State> {
  if (seed === 'demo') return demoState(secret);
  if (seed === 'empty') return accountsState(secret);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(seed, 'utf8'));
  } catch (err) {
    throw new Error(`seed file ${seed}: ${(err as Error).message}`);
  }
  try {
    return parseState(json, secret);
  } catch (err) {
    throw new Error(`seed file ${seed}: ${(err as Error).message}`);
  }
}

/** Starts an emulator; resolves once it listens. Rejects on a bad seed or state file, or a busy port. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const now = options.now ?? Date.now;
  const grantsPerKey = options.grantsPerKey ?? 100;
  if (!Number.isInteger(grantsPerKey) || grantsPerKey < 1)
    throw new RangeError(`grantsPerKey must be a positive integer, got ${grantsPerKey}`);
  const fallbackSecret = randomBytes(32).toString('hex');
  const store = await Store.open(options.statePath, () => seedState(options.seed ?? 'demo', fallbackSecret), fallbackSecret);
  const codec = new TokenCodec(store.state.tokenSecret);
  const faults = new FaultController();
  const requests: ReceivedRequest[] = [];
  const initialSettings: EmulatorSettings = {
    pageCap: options.pageCap,
    markers: options.markers ?? 'offset',
    answerCache: options.answerCache ?? false,
  };
  const settings = { ...initialSettings };
  const markers = new MarkerBook(() => settings.markers);
  const initialState = structuredClone(store.state);
  const app = buildServer({ store, codec, faults, requests, settings, markers, now, grantsPerKey }, { logger: options.logger ?? false });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);

  const tokenFor = (userName: string, opts: { projectId?: string; ttlMs?: number; issuedAt?: number } = {}): string => {
    const state = store.state;
    const user = state.users.find((u) => u.name === userName);
    if (user === undefined) throw new Error(`issueToken: no user named ${JSON.stringify(userName)}`);
    const projectId = opts.projectId ?? defaultProjectOf(state, user.domainId)?.id ?? '';
    const project = { id: projectId, name: findProject(state, projectId)?.name ?? '' };
    return issueToken(codec, state, user, project, opts.issuedAt ?? now(), opts.ttlMs ?? TOKEN_TTL_MS).token;
  };

  const state = store.state;
  const demo: Record<string, DemoUser> = {};
  for (const u of state.users) {
    if (Object.hasOwn(demo, u.name)) continue;
    demo[u.name] = {
      name: u.name,
      password: u.password,
      userId: u.id,
      domainId: u.domainId,
      domainName: findDomain(state, u.domainId)?.name ?? '',
      projectId: defaultProjectOf(state, u.domainId)?.id ?? '',
      accessKey: u.accessKey,
      secretKey: u.secretKey,
      token: tokenFor(u.name),
    };
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    projectId: state.projects[0]?.id ?? '',
    demo,
    faults,
    requests,
    settings,
    reset: async () => {
      faults.clear();
      requests.length = 0;
      Object.assign(settings, initialSettings);
      await store.replace(structuredClone(initialState));
    },
    issueToken: tokenFor,
    close: () => app.close(),
  };
}
