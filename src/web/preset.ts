/**
 * What the browser pages open with when the gateway runs on the embedded emulator: the demo
 * user's token and the 100-grant demo key, put in GraphiQL's headers and variables and in the
 * demo page's form. Only the development shell (`src/dev/`) has one; on a real KMS there is none,
 * and the pages open empty.
 */
export interface DemoPreset {
  /** A ready KMS token (the emulator's demo user alice), sent as `X-Auth-Token`. */
  token: string;
  /** A key to show first (the emulator's demo key holding 100 grants). */
  keyId: string;
}
