/**
 * The emulator accepts requests byte-for-byte as the official Node.js SDK sends them: the V1/V2
 * vectors of docs/kms.md §7 (the SDK's own signer, host 127.0.0.1:5400, X-Sdk-Date 20240101T000000Z),
 * replayed against an emulator whose clock stands at that date.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.ts';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { DEMO_EPOCH_MS } from '../../src/emulator/seed.ts';
import type { State } from '../../src/emulator/state.ts';
import { ENABLED_AES_KEY } from './fixtures.ts';

const PROJECT = '0123456789abcdef0123456789abcdef';
const KEY_ID = '0d0466b0-e727-4d9c-b35d-f84bb474a37f';
const USER_ID = 'b168fe00ff56492495a7d22974df2d0b';
const SDK_DATE_MS = Date.UTC(2024, 0, 1);

/** One account, one user holding the vectors' AK/SK, one key. */
const SEED: State = {
  version: 1,
  tokenSecret: 'sdk-wire-test-token-secret',
  domains: [{ id: 'd0000000000000000000000000000001', name: 'vectors' }],
  projects: [{ id: PROJECT, name: 'cn-north-4', domainId: 'd0000000000000000000000000000001' }],
  users: [
    {
      id: USER_ID,
      name: 'sdk',
      domainId: 'd0000000000000000000000000000001',
      password: 'p',
      accessKey: 'HPUAEXAMPLEAK0000001',
      secretKey: 'ExampleSecretKey0000000000000000000000001',
    },
  ],
  keys: [
    {
      creatorId: USER_ID,
      projectId: PROJECT,
      details: {
        key_id: KEY_ID,
        domain_id: 'd0000000000000000000000000000001',
        key_alias: 'vector-key',
        realm: 'cn-north-4',
        ...ENABLED_AES_KEY,
        key_description: '',
        creation_date: String(DEMO_EPOCH_MS),
      },
    },
  ],
  grants: [],
};

const V1 = {
  path: `/v1.0/${PROJECT}/kms/list-grants`,
  body: `{"key_id":"${KEY_ID}","limit":"10","marker":"0"}`,
  authorization:
    'SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=daea4afde7233e85a55df8c8842f88e382f953abf13f69f0b38c3b2a667b2365',
};
const V2 = {
  path: `/v1.0/${PROJECT}/kms/create-grant`,
  body: `{"key_id":"${KEY_ID}","grantee_principal":"b168fe00ff56492495a7d22974df2d0b","operations":["describe-key","retire-grant"],"name":"grünt-名","grantee_principal_type":"user"}`,
  authorization:
    'SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=4fb95d9d03ead0a7cb5824d94ab6998530998ae6da0195bd07e5f0d0466d0c18',
};

/** Sends exactly the SDK's headers (Host included, as signed) and body; answers status and parsed body. */
function send(
  emu: RunningEmulator,
  vector: { path: string; body: string; authorization: string },
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: emu.port,
        method: 'POST',
        path: vector.path,
        headers: {
          'content-type': 'application/json',
          host: '127.0.0.1:5400',
          'X-Project-Id': PROJECT,
          'X-Sdk-Date': '20240101T000000Z',
          Authorization: vector.authorization,
          Accept: 'application/json',
          'User-Agent': 'huaweicloud-usdk-nodejs/3.0',
          'content-length': Buffer.byteLength(vector.body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(vector.body);
  });
}

describe('emulator and the official SDK’s wire format', () => {
  let dir: string;
  let emu: RunningEmulator;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kms-sdk-'));
    const seed = join(dir, 'seed.json');
    await writeFile(seed, JSON.stringify(SEED));
    emu = await startEmulator({ seed, now: () => SDK_DATE_MS + 60_000 });
  });
  afterAll(async () => {
    await emu.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('signed requests', () => {
    it('accepts vector V1 (list-grants) and answers the page', async () => {
      expect(await send(emu, V1)).toEqual({ status: 200, body: { grants: [], next_marker: '', truncated: 'false', total: 0 } });
    });

    it('accepts vector V2’s signature over multi-byte UTF-8, then validates the name (KMS.0308)', async () => {
      const res = await send(emu, V2);
      expect(res).toMatchObject({ status: 400, body: { error: { error_code: 'KMS.0308' } } });
    });

    it('rejects V1’s signature on V2’s body with 401 APIGW.0301', async () => {
      const res = await send(emu, { ...V2, path: V1.path, authorization: V1.authorization });
      expect(res).toMatchObject({ status: 401, body: { error_code: 'APIGW.0301' } });
    });
  });
});
