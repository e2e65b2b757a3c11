import { exportJwk, generateCryptoKeyPair, importJwk } from "@fedify/fedify";

import type { KeyRepository, StoredKeyPair } from "../src/storage/types.ts";

const ALGORITHMS: StoredKeyPair["algorithm"][] = ["RSASSA-PKCS1-v1_5", "Ed25519"];

/**
 * Loads an actor's key pairs, creating them the first time. RSA comes first
 * because Fedify names keys by position (#main-key) and only RSA signs HTTP
 * requests; Ed25519 signs object integrity proofs.
 */
export class KeyPairs {
  readonly #cache = new Map<string, Promise<CryptoKeyPair[]>>();

  constructor(private readonly keys: KeyRepository) {}

  get(owner: string): Promise<CryptoKeyPair[]> {
    let pending = this.#cache.get(owner);
    if (!pending) {
      pending = this.#load(owner);
      pending.catch(() => this.#cache.delete(owner));
      this.#cache.set(owner, pending);
    }
    return pending;
  }

  async #load(owner: string): Promise<CryptoKeyPair[]> {
    const stored = await this.keys.list(owner);
    const pairs: CryptoKeyPair[] = [];
    for (const algorithm of ALGORITHMS) {
      let record = stored.find((candidate) => candidate.algorithm === algorithm);
      if (!record) {
        const generated = await generateCryptoKeyPair(algorithm);
        record = await this.keys.addIfMissing({
          owner,
          algorithm,
          privateJwk: await exportJwk(generated.privateKey),
          publicJwk: await exportJwk(generated.publicKey),
        });
      }
      pairs.push({ privateKey: await importJwk(record.privateJwk, "private"), publicKey: await importJwk(record.publicJwk, "public") });
    }
    return pairs;
  }
}
