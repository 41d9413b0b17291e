/**
 * The paging markers the emulator hands out. Real KMS markers are decimal offsets (`KMS.1602`
 * says "marker must be greater than or equals 0"), which is the default. In `opaque` mode every
 * `next_marker` is instead a random token that holds `+`, `/` and `=`, valid only for the listing
 * that issued it: a client that parses, re-encodes or moves markers between listings breaks at
 * once, as it would on a KMS that changed its marker format.
 */
import { randomBytes } from 'node:crypto';
import { errors } from './errors.ts';

/** How markers look: KMS's decimal offsets, or opaque listing-bound tokens. */
export type MarkerStyle = 'offset' | 'opaque';

/** Issues and resolves the markers of one emulator instance. */
export class MarkerBook {
  readonly #opaque = new Map<string, { scope: string; offset: string }>();

  constructor(private readonly style: () => MarkerStyle) {}

  /** The marker to send for `offset` (a decimal string, `""` at the end) of the listing `scope`. */
  issue(scope: string, offset: string): string {
    if (this.style() === 'offset' || offset === '') return offset;
    // Base64 of bytes chosen so the token always holds '+', '/' and '=' (a careless codec breaks).
    const token = `m:${Buffer.concat([Buffer.from([0xfb, 0xff]), randomBytes(7)]).toString('base64')}`;
    this.#opaque.set(token, { scope, offset });
    return token;
  }

  /** The decimal offset a received `marker` stands for; an opaque one must come from the same listing (else 400 KMS.1602). */
  resolve(scope: string, marker: unknown): unknown {
    if (this.style() === 'offset' || marker === undefined || marker === null || marker === '') return marker;
    const known = typeof marker === 'string' ? this.#opaque.get(marker) : undefined;
    if (known === undefined || known.scope !== scope) throw errors.invalidMarker('Send back a next_marker of this same listing, or none.');
    return known.offset;
  }
}
