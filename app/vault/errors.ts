/**
 * Why the vault cannot be used, or why one item in it cannot be read. Every
 * message names the file or the item and says what to do; none ever holds a
 * key or a decrypted byte.
 */
export type VaultErrorKind =
  /** The key file is missing while the database holds items encrypted under it. */
  | 'key_missing'
  /** The key file or its folder can be read by others, or belongs to another user. */
  | 'key_permissions'
  /** The key file is not a Balcão key file, is damaged, or does not hold the key it claims. */
  | 'key_invalid'
  /** The key file holds a different key from the one the database's items are under. */
  | 'key_wrong'
  /** The key file is protected by a mechanism this process cannot use (e.g. Electron safeStorage from the CLI). */
  | 'key_protector_unavailable'
  /** One item cannot be decrypted: altered, moved from another row, or written under another key. Others are unaffected. */
  | 'blob_undecryptable'
  /** A kind or id that is not allowed, a value that cannot be stored, or an item read as the wrong type. */
  | 'blob_invalid';

export interface VaultBlobRef {
  kind: string;
  id: string;
}

export class VaultError extends Error {
  constructor(
    readonly kind: VaultErrorKind,
    message: string,
    readonly details: { file?: string; blob?: VaultBlobRef } = {},
  ) {
    super(message);
    this.name = 'VaultError';
  }

  get file(): string | undefined {
    return this.details.file;
  }

  get blob(): VaultBlobRef | undefined {
    return this.details.blob;
  }
}
