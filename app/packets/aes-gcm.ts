/**
 * Which AES-256-GCM the sealer uses.
 *
 * 'openssl': native/aes-gcm, an addon that calls the system's OpenSSL (libcrypto.so.3). Node 20 carries its own
 * OpenSSL build, whose GCM runs here at under half the system library's speed on the same CPU (bench/seal.bench.ts
 * prints both), which alone kept the sealer under its target of 60 % of `openssl speed`.
 * 'node': node:crypto, where the addon could not be built or loaded (no compiler at install, no libcrypto.so.3, not
 * Linux), or when BALCAO_AES_GCM=node asks for it (tests and the benchmark compare the two).
 *
 * Both give the same bytes for the same key, nonce, AAD and plaintext (aes-gcm.test.ts checks it), so a packet
 * does not say, and need not say, which one sealed it.
 */
import aesGcm from '@balcao/aes-gcm';

export type AesGcmEngine = 'openssl' | 'node';

export interface AesGcmChoice {
  engine: AesGcmEngine;
  /** The library behind 'openssl' ("OpenSSL 3.0.19 …"), or why the addon is not used. */
  detail: string;
}

/** The engine the sealer uses in this process. */
export function aesGcmChoice(env: NodeJS.ProcessEnv = process.env): AesGcmChoice {
  if (env['BALCAO_AES_GCM'] === 'node') return { engine: 'node', detail: 'BALCAO_AES_GCM=node' };
  return aesGcm.available ? { engine: 'openssl', detail: aesGcm.library } : { engine: 'node', detail: aesGcm.reason };
}

export type NativeEncryptorClass = aesGcm.EncryptorClass;

/** The addon's encryptor class, or null where it is not available. */
export function nativeEncryptor(): NativeEncryptorClass | null {
  return aesGcm.available ? aesGcm.Encryptor : null;
}

/** Why the addon cannot be used here, or null when it can (whatever BALCAO_AES_GCM says). */
export function nativeUnavailableReason(): string | null {
  return aesGcm.available ? null : aesGcm.reason;
}
