/**
 * What every route handler of one emulator instance shares.
 */
import type { TokenCodec } from './auth/tokens.ts';
import type { FaultController } from './faults.ts';
import type { MarkerBook, MarkerStyle } from './markers.ts';
import type { Caller } from './state.ts';
import type { Store } from './store.ts';
import type { Body } from './validation.ts';

/** One KMS request as the emulator received it, before faults or authentication. */
export interface ReceivedRequest {
  action: string;
  /** Header names lower-cased, as node parses them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The JSON body, or undefined when it is not a JSON object. */
  body: Readonly<Record<string, unknown>> | undefined;
}

/** Behaviour switches of one emulator instance, changeable while it runs. */
export interface EmulatorSettings {
  /** Largest page served, whatever `limit` asks for (KMS may cap or change its page size). */
  pageCap: number | undefined;
  /** KMS's decimal offsets, or opaque listing-bound tokens (markers.ts). */
  markers: MarkerStyle;
  /** Reads answered from a cache of serialised answers until the next change (the benchmark's upstream). */
  answerCache: boolean;
}

/** The services of one emulator instance. */
export interface EmulatorDeps {
  settings: EmulatorSettings;
  markers: MarkerBook;
  /** Every KMS request received, oldest first (tests assert what KMS was sent). */
  requests: ReceivedRequest[];
  store: Store;
  codec: TokenCodec;
  faults: FaultController;
  /** The clock, epoch ms (injectable for expiry and skew tests). */
  now: () => number;
  /** Per-key grant quota (KMS: 100). */
  grantsPerKey: number;
}

/** One authenticated KMS action call. */
export interface ActionCall {
  caller: Caller;
  body: Body;
  deps: EmulatorDeps;
}

/** A KMS action: answers its 200 body, or throws a KmsError. */
export type ActionHandler = (call: ActionCall) => unknown;
