export { Vault, openVault, type OpenVaultOptions, type VaultEntry, type VaultValue, type JsonValue, type RotationResult } from './vault.js';
export { VaultError, type VaultErrorKind, type VaultBlobRef } from './errors.js';
export { keyFileProtector, keyFileProtectorName, type KeyProtector } from './key-protector.js';
export { DataKey, keyPaths, keyFileName, vaultDirName } from './data-key.js';
export { safeStorageKeyProtector, safeStorageProtectorName, type SafeStorageApi, type SafeStorageChoice } from './safe-storage-protector.js';
export { withPrivateTempDir, type PrivateTempOptions } from './temp.js';
