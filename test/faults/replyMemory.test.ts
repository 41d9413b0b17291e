import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO, startEmulator, type FaultEffect, type RunningEmulator } from '../../src/emulator/index.ts';
import { spawnGateway, type GatewayProcess } from '../start/support.ts';

/** Resident set size of process `pid`, bytes (Linux). */
function rss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

const MiB = 1024 * 1024;

let emulator: RunningEmulator;
let gateway: GatewayProcess;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => emulator?.close());
// A fresh gateway for each attack, built as `npm start` runs it, in a process of its own so that
// its memory is measured alone.
beforeEach(async () => {
  gateway = await spawnGateway({ KMS_ENDPOINT: emulator.url, KMS_PROJECT_ID: emulator.projectId, KMS_TIMEOUT_MS: '3000' });
});
afterEach(async () => gateway?.stop());

async function post(query: string, token: string): Promise<{ errors?: { extensions?: { code?: string } }[]; data?: unknown }> {
  const response = await fetch(gateway.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { errors?: { extensions?: { code?: string } }[]; data?: unknown };
}

const ATTACKED = `{ grants(keyId: "${DEMO.keys.full}", first: 20) { totalCount } }`;
const OTHER = `{ retirableGrants(first: 5) { totalCount } }`;

describe('kms/attempt: memory under hostile KMS replies (the built gateway, its own process)', () => {
  const attacks: { name: string; effect: FaultEffect; concurrent: number }[] = [
    { name: 'two concurrent 200s whose bodies never end', effect: { kind: 'endless' }, concurrent: 2 },
    { name: 'a declared 600 MB body', effect: { kind: 'endless', bytes: 600_000_000, declareLength: true }, concurrent: 1 },
    { name: 'a gzip bomb of 1 GiB of spaces', effect: { kind: 'endless', bytes: 1024 ** 3, gzip: true }, concurrent: 1 },
  ];
  for (const attack of attacks) {
    it(`stays within 64 MiB of its idle RSS under ${attack.name}, answers UPSTREAM_ERROR and keeps serving others`, async () => {
      const pid = gateway.child.pid ?? 0;
      const { alice, bob } = emulator.demo;
      // Warm up, then take the idle figure.
      await post(ATTACKED, alice?.token ?? '');
      await post(OTHER, bob?.token ?? '');
      const idle = rss(pid);
      let peak = idle;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(pid))), 5);
      emulator.faults.set({ action: 'list-grants', effect: attack.effect });
      try {
        const [others, ...attacked] = await Promise.all([
          Promise.all(Array.from({ length: 5 }, () => post(OTHER, bob?.token ?? ''))),
          ...Array.from({ length: attack.concurrent }, () => post(ATTACKED, alice?.token ?? '')),
        ]);
        expect(attacked.map((r) => r.errors?.map((e) => e.extensions?.code))).toEqual(attacked.map(() => ['UPSTREAM_ERROR']));
        expect(others.map((r) => r.errors)).toEqual(others.map(() => undefined));
      } finally {
        emulator.faults.clear();
        clearInterval(sampler);
      }
      peak = Math.max(peak, rss(pid));
      expect({ idleMiB: Math.round(idle / MiB), growthUnder64MiB: peak - idle < 64 * MiB }).toEqual({
        idleMiB: Math.round(idle / MiB),
        growthUnder64MiB: true,
      });
      // And it serves the attacked call normally once KMS does.
      expect((await post(ATTACKED, alice?.token ?? '')).errors).toBeUndefined();
    });
  }
});
