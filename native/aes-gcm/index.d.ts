declare namespace aesGcm {
  /** One AES-256-GCM encryption: key (32 bytes), nonce (12 bytes) and AAD given once, then update() in order, then final(). */
  interface Encryptor {
    /** Encrypts `input` into `output` at `outputOffset` (GCM's output is exactly as long as its input); returns the bytes written. In place is allowed; any other overlap is refused. */
    update(input: Uint8Array, output: Uint8Array, outputOffset: number): number;
    /** Ends the encryption and returns the 16-byte tag; the context (and its key schedule) is wiped and freed. */
    final(): Buffer;
    /** Wipes and frees the context without a tag (after an error); safe to call twice. */
    free(): void;
  }
  type EncryptorClass = new (key: Uint8Array, iv: Uint8Array, aad: Uint8Array) => Encryptor;
  type Loaded = { available: true; library: string; Encryptor: EncryptorClass } | { available: false; reason: string };
}
declare const aesGcm: aesGcm.Loaded;
export = aesGcm;
