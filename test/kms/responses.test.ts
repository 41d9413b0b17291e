import { describe, expect, it } from 'vitest';
import { readCreateGrant, readDescribeKey, readGrantPage, readKeyPage } from '../../src/kms/responses.ts';

const GRANT = {
  key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f',
  grant_id: '7c9a3286af4fcca5f0a385ad13e1d21a50e27b6dbcab50f37f30f93b8939827d',
  grantee_principal: 'b168fe00ff56492495a7d22974df2d0b',
  operations: ['describe-key'],
  issuing_principal: 'b168fe00ff56492495a7d22974df2d0b',
  creation_date: '1497341531000',
};
const LAST_PAGE = { grants: [GRANT], next_marker: '', truncated: 'false', total: 1 };

describe('kms/responses', () => {
  describe('readGrantPage', () => {
    it('reads a documented page, and one with extra fields, as they are', () => {
      const withExtra = { ...LAST_PAGE, request_id: 'r' };
      expect([readGrantPage(JSON.stringify(LAST_PAGE)), readGrantPage(JSON.stringify(withExtra))]).toEqual([LAST_PAGE, withExtra]);
    });

    it('reads a missing next_marker (older models) as the last page, and a missing total as absent', () => {
      expect(readGrantPage(JSON.stringify({ grants: [], truncated: 'false' }))).toEqual({
        grants: [],
        truncated: 'false',
        next_marker: '',
      });
    });

    it.for<[string, string]>([
      ['not JSON', '{"grants":'],
      ['an empty body', ''],
      ['an array', '[]'],
      ['null', 'null'],
      ['truncated as a boolean', JSON.stringify({ ...LAST_PAGE, truncated: false })],
      ['grants not an array', JSON.stringify({ ...LAST_PAGE, grants: {} })],
      ['a grant without grant_id', JSON.stringify({ ...LAST_PAGE, grants: [{ ...GRANT, grant_id: undefined }] })],
      ['a grant whose operations are not strings', JSON.stringify({ ...LAST_PAGE, grants: [{ ...GRANT, operations: [1] }] })],
      ['a numeric next_marker', JSON.stringify({ ...LAST_PAGE, next_marker: 10 })],
      ['more pages but no marker to reach them', JSON.stringify({ ...LAST_PAGE, truncated: 'true', next_marker: '' })],
      ['a negative total', JSON.stringify({ ...LAST_PAGE, total: -1 })],
      ['a string total', JSON.stringify({ ...LAST_PAGE, total: '1' })],
    ])('refuses %s', ([, text]) => {
      expect(readGrantPage(text)).toBeUndefined();
    });
  });

  describe('readDescribeKey', () => {
    it('reads { key_info } and refuses anything without key_info.key_id', () => {
      const answer = { key_info: { key_id: GRANT.key_id, key_state: '2' } };
      expect([
        readDescribeKey(JSON.stringify(answer)),
        readDescribeKey('{}'),
        readDescribeKey(JSON.stringify({ key_info: [] })),
        readDescribeKey(JSON.stringify({ key_info: { key_id: 1 } })),
        readDescribeKey('<html>'),
      ]).toEqual([answer, undefined, undefined, undefined, undefined]);
    });
  });
  describe('readKeyPage', () => {
    const KEY = { key_id: '0d0466b0-e727-4d9c-b35d-f84bb474a37f', key_alias: 'a', key_state: '2' };
    it('reads a list-keys page with its details, a missing next_marker as the last page', () => {
      const page = { keys: [KEY.key_id], key_details: [KEY], next_marker: '1', truncated: 'true', total: 2 };
      expect([readKeyPage(JSON.stringify(page)), readKeyPage(JSON.stringify({ keys: [], key_details: [], truncated: 'false' }))]).toEqual([
        page,
        { keys: [], key_details: [], truncated: 'false', next_marker: '' },
      ]);
    });
    it.for<[string, unknown]>([
      ['no key_details', { keys: [], truncated: 'false' }],
      ['a detail without key_id', { key_details: [{ key_alias: 'a' }], truncated: 'false' }],
      ['more pages and no marker', { key_details: [KEY], truncated: 'true', next_marker: '' }],
      ['a boolean truncated', { key_details: [KEY], truncated: false }],
    ])('refuses %s', ([, body]) => {
      expect(readKeyPage(JSON.stringify(body))).toBeUndefined();
    });
  });

  describe('readCreateGrant', () => {
    it('reads a 64-hex grant id and nothing else', () => {
      const id = 'ab'.repeat(32);
      expect([
        readCreateGrant(JSON.stringify({ grant_id: id })),
        readCreateGrant('{"grant_id":"xyz"}'),
        readCreateGrant('{}'),
        readCreateGrant(''),
      ]).toEqual([{ grant_id: id }, undefined, undefined, undefined]);
    });
  });
});
