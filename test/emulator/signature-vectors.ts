/**
 * Signing vectors for the SDK-HMAC-SHA256 tests: docs/kms.md §7, the Huawei SDK's own
 * worked example, and the Go SDK's signer_test.go. Each carries its inputs as signRequest takes
 * them and what the documents say comes out.
 */
import { EMPTY_BODY_SHA256 } from '../../src/emulator/auth/canonical.ts';

export const PROJECT = '0123456789abcdef0123456789abcdef';
/** The clock the vectors were signed at (X-Sdk-Date 20240101T000000Z). */
export const JAN_1_2024 = new Date('2024-01-01T00:00:00Z');

/** The inputs of one vector, as signRequest takes them, plus what the documents say comes out. */
export interface Vector {
  ak: string;
  sk: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  bodyHash: string;
  canonicalRequestHash: string;
  signedHeaders: string;
  signature: string;
}

export const V1: Vector = {
  ak: 'HPUAEXAMPLEAK0000001',
  sk: 'ExampleSecretKey0000000000000000000000001',
  method: 'POST',
  url: `http://127.0.0.1:5400/v1.0/${PROJECT}/kms/list-grants`,
  // No X-Sdk-Date: the SDK added it from the frozen clock, as signRequest must from `now`.
  headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT },
  body: '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f","limit":"10","marker":"0"}',
  bodyHash: '8c03d765b64af2534b324e5e5c6cfcc0f0917f14c92b80f28736d416daa078fa',
  canonicalRequestHash: 'e43773e86b7927281d90fe32a4c56a1a66e0ba196715f6f474fe7f732ec46bf7',
  signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
  signature: 'daea4afde7233e85a55df8c8842f88e382f953abf13f69f0b38c3b2a667b2365',
};

export const V2: Vector = {
  ...V1,
  url: `http://127.0.0.1:5400/v1.0/${PROJECT}/kms/create-grant`,
  body: '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f","grantee_principal":"b168fe00ff56492495a7d22974df2d0b","operations":["describe-key","retire-grant"],"name":"grünt-名","grantee_principal_type":"user"}',
  bodyHash: '5d3ce6b942cbec9f6d1346b28722923cc6700be943a57dae588b389e37903a13',
  canonicalRequestHash: 'ea86addc7f7b82b2d4b014c7adde1d9ee837497137cac59092be112fa46f7652',
  signature: '4fb95d9d03ead0a7cb5824d94ab6998530998ae6da0195bd07e5f0d0466d0c18',
};

/** §8.2's worked example, confirmed by the SDK as V3; X-Sdk-Date is given and must be reused. */
export const V3: Vector = {
  ak: 'EXAMPLEAK0000000000',
  sk: 'EXAMPLESK0000000000000000000000000000000',
  method: 'POST',
  url: `https://kms.cn-north-4.myhuaweicloud.com/v1.0/${PROJECT}/kms/list-grants`,
  headers: { 'content-type': 'application/json', 'X-Project-Id': PROJECT, 'X-Sdk-Date': '20240101T000000Z' },
  body: '{"key_id":"0d0466b0-e727-4d9c-b35d-f84bb474a37f","limit":"10"}',
  bodyHash: 'b83a251144303cb4010ae33d9b65971020782ca388949ee44809be5046e7aee9',
  canonicalRequestHash: 'a20fdcff3f80f76e491fde809051ba74872be153119cbc96452cc12babc8b60d',
  signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
  signature: '47e8c73401f8a4a7af70624c0c6f8ff67dae4a6a51addd60bc79dfce5b9732d7',
};

export const V4: Vector = {
  ak: 'AccessKey',
  sk: 'SecretKey',
  method: 'GET',
  url: 'https://example.huaweicloud.com:8443/v1/items?marker=x%2Fy%20z&limit=5&tag=b&tag=a',
  headers: { 'X-Sdk-Date': '20240101T000000Z', 'content-type': 'application/json' },
  body: '',
  bodyHash: EMPTY_BODY_SHA256,
  canonicalRequestHash: '4dbd15a49a75825b8ff032291fe01b8a62dc339a8ddf74e1240662d947d1880c',
  signedHeaders: 'content-type;host;x-sdk-date',
  signature: '556743c4246add2ed24efcbd7eca64c15be5a92f8e9cebf41293f6466116ec80',
};

export const V1_CANONICAL_REQUEST = [
  'POST',
  `/v1.0/${PROJECT}/kms/list-grants/`,
  '',
  'content-type:application/json',
  'host:127.0.0.1:5400',
  `x-project-id:${PROJECT}`,
  'x-sdk-date:20240101T000000Z',
  '',
  'content-type;host;x-project-id;x-sdk-date',
  V1.bodyHash,
].join('\n');

/** Go SDK signer_test.go: only x-sdk-date signed, so these go through the steps and the verifier. */
export const GO_DATE = '20060102T150405Z';
export const GO_NOW = new Date('2006-01-02T15:04:05Z');
export const GO_GET = {
  method: 'GET',
  query: 'limit=1',
  body: '',
  signature: '5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
};
export const GO_POST = {
  method: 'POST',
  query: 'key=value',
  body: '{"Name":"test","Id":1}\n',
  signature: 'cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59',
};

/** An Authorization header value as the SDK writes it. */
export const authorization = (ak: string, names: string, sig: string) =>
  `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${names}, Signature=${sig}`;
