/**
 * What the browser pages open with when the gateway runs on the embedded emulator: the demo
 * user's token and the 100-grant demo key, put in GraphiQL's headers and variables and in the
 * demo page's form, and the demo users the demo page may switch between. Only the development
 * shell (`src/dev/`) has one; on a real KMS there is none, and the pages open empty.
 */
export interface DemoPreset {
  /** A ready KMS token (the emulator's demo user alice), sent as `X-Auth-Token`. */
  token: string;
  /** A key to show first (the emulator's demo key holding 100 grants). */
  keyId: string;
  /** The demo users (the first is the one `token` belongs to): the demo page offers to act as each. */
  users?: readonly DemoUser[];
}

/** A demo user the demo page can act as. */
export interface DemoUser {
  /** Shown in the page's user switch, e.g. `bob`. */
  name: string;
  /** Their KMS token. */
  token: string;
  /** Their IAM user id (a principal), offered as a grantee or retiring principal. */
  userId: string;
}
