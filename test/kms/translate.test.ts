import { describe, expect, it } from 'vitest';
import type { GrantOperation } from '../../src/generated/resolvers-types.ts';
import { fromEpochMs, fromGrantOperation, toGrantOperation, toKeyState, toPrincipalType } from '../../src/kms/translate.ts';
import { KMS_GRANT_OPERATIONS } from '../../src/kms/types.ts';

/** The schema's nine operations, in the order of contract.md, paired with KMS's spelling. */
const OPERATIONS: ReadonlyArray<[string, GrantOperation]> = [
  ['create-datakey', 'CREATE_DATAKEY'],
  ['create-datakey-without-plaintext', 'CREATE_DATAKEY_WITHOUT_PLAINTEXT'],
  ['encrypt-datakey', 'ENCRYPT_DATAKEY'],
  ['decrypt-datakey', 'DECRYPT_DATAKEY'],
  ['describe-key', 'DESCRIBE_KEY'],
  ['create-grant', 'CREATE_GRANT'],
  ['retire-grant', 'RETIRE_GRANT'],
  ['encrypt-data', 'ENCRYPT_DATA'],
  ['decrypt-data', 'DECRYPT_DATA'],
];

describe('kms/translate', () => {
  describe('grant operations', () => {
    it('maps every KMS operation to its enum value and back', () => {
      expect({
        kmsSpellings: [...KMS_GRANT_OPERATIONS],
        toEnum: KMS_GRANT_OPERATIONS.map(toGrantOperation),
        backToKms: OPERATIONS.map(([, operation]) => fromGrantOperation(operation)),
      }).toEqual({
        kmsSpellings: OPERATIONS.map(([kms]) => kms),
        toEnum: OPERATIONS.map(([, operation]) => operation),
        backToKms: OPERATIONS.map(([kms]) => kms),
      });
    });

    it.for<[string, string]>([
      ['an operation KMS may add later', 'sign'],
      ['an empty string', ''],
      ['a prefix of an operation', 'create'],
      ['an operation with a suffix', 'describe-key-x'],
      ['a leading space', ' describe-key'],
      ['a trailing newline', 'describe-key\n'],
      ['a huge string', 'describe-key'.repeat(10_000)],
      ['an emoji', '🔑'],
      ['an inherited object property', 'constructor'],
      ['a prototype key', '__proto__'],
    ])('maps %s to null', ([, operation]) => {
      expect(toGrantOperation(operation)).toBeNull();
    });

    it('maps non-ASCII lookalikes to null (dotless ı and long ſ upper-case to I and S)', () => {
      expect(['descrıbe-key', 'deſcribe-key', 'retıre-grant', 'encrypt-dаta'].map(toGrantOperation)).toEqual([null, null, null, null]);
    });

    it('maps spellings KMS never sends (upper case, snake case) to null', () => {
      expect(['DESCRIBE-KEY', 'describe_key', 'DESCRIBE_KEY', 'Describe-Key'].map(toGrantOperation)).toEqual([null, null, null, null]);
    });
  });

  describe('principal types', () => {
    it('maps user and domain, and an absent type to KMS’s default USER', () => {
      expect(['user', 'domain', undefined].map(toPrincipalType)).toEqual(['USER', 'DOMAIN', 'USER']);
    });

    it('maps anything else to null', () => {
      expect(['USER', 'Domain', '', 'group', ' user', 'user\n', 'usеr', 'x'.repeat(10_000)].map(toPrincipalType)).toEqual(
        Array.from({ length: 8 }, () => null),
      );
    });
  });

  describe('key states', () => {
    it('maps "1".."5" to their names', () => {
      expect(['1', '2', '3', '4', '5'].map(toKeyState)).toEqual([
        'PENDING_ACTIVATION',
        'ENABLED',
        'DISABLED',
        'PENDING_DELETION',
        'PENDING_IMPORT',
      ]);
    });

    it('maps anything else to null', () => {
      const garbage = ['0', '6', '', '01', '1 ', ' 2', '2\n', '1.0', '-1', 'abc', 'ENABLED', '２', '٢', '1'.repeat(10_000)];
      expect(garbage.map(toKeyState)).toEqual(garbage.map(() => null));
    });
  });

  describe('fromEpochMs', () => {
    it('reads KMS’s epoch-millisecond strings', () => {
      expect(['1497341531000', '0', '999999999999999'].map(fromEpochMs)).toEqual([
        new Date('2017-06-13T08:12:11.000Z'),
        new Date('1970-01-01T00:00:00.000Z'),
        new Date(999_999_999_999_999),
      ]);
    });

    it('gives null for absent, empty, garbage and out-of-range values', () => {
      const values = [
        undefined,
        '',
        'abc',
        '-1',
        '1.5',
        '1e12',
        ' 1497341531000',
        '1497341531000\n',
        '１４９７',
        '9'.repeat(16),
        '9'.repeat(400),
      ];
      expect(values.map(fromEpochMs)).toEqual(values.map(() => null));
    });

    it('never returns an Invalid Date', () => {
      const dates = ['0', '1497341531000', '999999999999999', '8640000000000000'].map(fromEpochMs);
      expect(dates.filter((date) => date !== null && Number.isNaN(date.getTime()))).toEqual([]);
    });
  });
});
