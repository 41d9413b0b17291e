/**
 * Child process: the benchmark's KMS, the project's emulator in its benchmark mode
 * (`startEmulator({ seed: 'empty', answerCache: true })`: list answers are serialised once and
 * served from a cache until the data changes), counted and delayed by instrument.ts. Filled
 * through its own KMS API as the demo user alice: 5 keys of 100 grants, every 10th retirable by
 * alice, so alice's retirable list is 50 grants over the 5 keys. The systems send alice's demo
 * token. On `{type:'prepare', id, n}` it creates n revocable grants (for W5, each revoked once)
 * and answers `{type:'prepared', id, grants}`. Env: BENCH_LATENCY_MS (default 0; the parent
 * changes it between runs over IPC).
 */
import { instrumentHttpServers, serveParent, type UpstreamInfo } from './instrument.ts';
import { startEmulator } from '../src/emulator/index.ts';

const instrument = instrumentHttpServers(0);
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? '0');
const emulator = await startEmulator({ port: 0, seed: 'empty', answerCache: true });
const alice = emulator.demo.alice;
if (alice === undefined) throw new Error('emulator: no user alice in the empty seed');
const bob = emulator.demo.bob;
if (bob === undefined) throw new Error('emulator: no user bob in the empty seed');
const base = `${emulator.url}/v1.0/${alice.projectId}/kms/`;
const OPS = [['encrypt-data', 'decrypt-data'], ['describe-key'], ['encrypt-datakey', 'decrypt-datakey', 'describe-key']];

// The emulator records every request it receives (for tests); here that log would only grow.
setInterval(() => {
  emulator.requests.length = 0;
}, 1000).unref();

async function call<T>(action: string, body: object): Promise<T> {
  const res = await fetch(base + action, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': alice?.token ?? '' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`emulator setup: ${action} answered ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

let aliasSerial = 0;
async function keyWithGrants(n: number, retiringEvery: number): Promise<{ keyId: string; grantIds: string[] }> {
  const created = await call<{ key_info: { key_id: string } }>('create-key', { key_alias: `bench-${process.pid}-${aliasSerial++}` });
  const keyId = created.key_info.key_id;
  const grantIds: string[] = [];
  // Sequential per key keeps the emulator's order (creation order) deterministic.
  for (let i = 0; i < n; i++) {
    const body: Record<string, unknown> = {
      key_id: keyId,
      grantee_principal: bob?.userId ?? '',
      operations: OPS[i % OPS.length],
      name: `bench-grant-${i}`,
    };
    if (retiringEvery > 0 && i % retiringEvery === 0) body.retiring_principal = alice?.userId;
    grantIds.push((await call<{ grant_id: string }>('create-grant', body)).grant_id);
  }
  return { keyId, grantIds };
}

const keys = (await Promise.all(Array.from({ length: 5 }, () => keyWithGrants(100, 10)))).map((k) => k.keyId);
const retirable = await call<{ grants: Array<{ key_id: string }> }>('list-retirable-grants', { limit: '50' });

// Latency applies to the measured traffic only, not to the set-up above.
instrument.setLatency(latencyMs);
const info: UpstreamInfo = {
  url: emulator.url,
  projectId: alice.projectId,
  token: alice.token,
  keys,
  retirable: { grants: retirable.grants.length, keys: new Set(retirable.grants.map((g) => g.key_id)).size },
};
serveParent(info, instrument);

process.on('message', (message: { type: string; id?: number; n?: number }) => {
  if (message.type !== 'prepare') return;
  void (async () => {
    const latency = instrument.latency();
    instrument.setLatency(0);
    const grants: Array<{ keyId: string; grantId: string }> = [];
    const perKey = 100;
    const jobs = Array.from({ length: Math.ceil((message.n ?? 0) / perKey) }, () => keyWithGrants(perKey, 0));
    for (const { keyId, grantIds } of await Promise.all(jobs)) for (const grantId of grantIds) grants.push({ keyId, grantId });
    instrument.setLatency(latency);
    process.send?.({ type: 'prepared', id: message.id, grants });
  })();
});
