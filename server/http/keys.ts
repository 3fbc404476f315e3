/**
 * API keys: Bearer tokens compared in constant time. Keys are kept as sha256 hashes (env keys are
 * hashed at start, stored keys are hashed at creation), so the database never holds a usable key.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Catalog } from '../store/catalog.ts';

export const hashKey = (key: string): Buffer => createHash('sha256').update(key).digest();

/** A new key: 32 random bytes, base64url, with a recognisable prefix. */
export function generateKey(): string {
  return `bw_${randomBytes(32).toString('base64url')}`;
}

/**
 * The set of valid keys: from the environment and from the catalogue, re-read at most once a second
 * so keys created or revoked by the CLI take effect on a running server within a second.
 */
export class KeyRing {
  private stored: { id: string; hash: Buffer }[] = [];
  private readonly env: { id: string; hash: Buffer }[];
  private loadedAt = 0;

  constructor(
    private readonly catalog: Catalog,
    envKeys: string[],
  ) {
    this.env = envKeys.map((k, i) => ({ id: `env-${i}`, hash: hashKey(k) }));
  }

  async refresh(): Promise<void> {
    const keys = await this.catalog.listApiKeys();
    this.stored = keys.filter((k) => !k.revokedAt).map((k) => ({ id: k.id, hash: Buffer.from(k.hash, 'hex') }));
    this.loadedAt = Date.now();
  }

  get size(): number {
    return this.env.length + this.stored.length;
  }

  /** The id of the matching key, or null. Every candidate is compared, so timing does not reveal which matched. */
  async verify(presented: string): Promise<string | null> {
    if (Date.now() - this.loadedAt > 1000) await this.refresh();
    return this.match(hashKey(presented));
  }

  private match(h: Buffer): string | null {
    let found: string | null = null;
    for (const k of [...this.env, ...this.stored]) {
      if (timingSafeEqual(k.hash, h) && found === null) found = k.id;
    }
    return found;
  }
}
