import type { Config } from "../src/config.ts";
import type { Moderation } from "../src/domain/moderation.ts";
import type { Store } from "../src/storage/types.ts";
import type { KeyPairs } from "./keys.ts";
import type { RemoteMedia } from "./remote-media.ts";

/** What every dispatcher and inbox listener receives as Fedify's context data. */
export interface FederationServices {
  config: Config;
  store: Store;
  keyPairs: KeyPairs;
  /** Domain blocks, the allowlist and blocked accounts, asked before anything is accepted or sent. */
  moderation: Moderation;
  /** Copies the images of remote replies to this instance. */
  media: RemoteMedia;
}

/** Identifier of the instance's own Application actor, served at /actor for signed fetches. */
export const INSTANCE_ACTOR = "instance.actor";

/** Largest collection offset a cursor may ask for; larger numbers would reach SQLite as floating point. */
export const MAX_OFFSET = 10_000_000;
