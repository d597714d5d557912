import { createHash } from 'node:crypto';

/** The hash before the first entry. */
export const genesisHash = '0'.repeat(64);

export interface ChainedFields {
  seq: number;
  at: string;
  type: string;
  actor: string | null;
  details: string;
}

/**
 * SHA-256 over the previous hash and this entry's fields, each on its own
 * line in a fixed order, so that any change to an entry or to the order of
 * entries changes every hash after it. `details` is hashed as stored (JSON
 * text), so verification never depends on re-serialising.
 */
export function entryHash(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256')
    .update([prevHash, String(fields.seq), fields.at, fields.type, fields.actor ?? '', fields.details].join('\n'))
    .digest('hex');
}
