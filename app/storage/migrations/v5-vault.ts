import type { Migration } from '../migrations.js';

/**
 * Schema for app/vault (owned by that capability; never edit once shipped — add a new migration).
 * Everything personal that waits to be sealed (drafts of cases, captures not yet sealed) is
 * stored here as AES-256-GCM ciphertext; see docs/data-at-rest.md and app/vault/vault.ts.
 */
export const v5Vault: Migration = {
  version: 5,
  name: 'encrypted data at rest',
  sql: `
    -- The station data keys this database has known, by key id only: the
    -- key id is a one-way check value (HKDF of the key, app/vault/data-key.ts),
    -- never the key. The key itself lives outside the database (the key file
    -- in <dataDir>/vault/). Exactly one key is current (retired_at NULL); a
    -- retired key is kept on record so that restoring an old key file is
    -- recognised and named, not mistaken for a foreign one.
    CREATE TABLE vault_keys (
      key_id      TEXT PRIMARY KEY CHECK (length(key_id) = 32),
      created_at  TEXT NOT NULL,
      retired_at  TEXT
    ) STRICT;
    CREATE UNIQUE INDEX vault_keys_one_current ON vault_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

    -- One encrypted item per (kind, id). kind and id are stored in clear and
    -- must never be personal data (use case ids, not names or document numbers).
    -- salt: per-write HKDF salt; nonce: AES-GCM IV (NIST SP 800-38D §8.2, 96 bits);
    -- tag: the 128-bit GCM authentication tag. The additional authenticated
    -- data binds kind and id, so a row's ciphertext moved to another row fails.
    CREATE TABLE vault_blobs (
      kind        TEXT NOT NULL,
      id          TEXT NOT NULL,
      key_id      TEXT NOT NULL REFERENCES vault_keys (key_id),
      salt        BLOB NOT NULL CHECK (length(salt) = 16),
      nonce       BLOB NOT NULL CHECK (length(nonce) = 12),
      ciphertext  BLOB NOT NULL,
      tag         BLOB NOT NULL CHECK (length(tag) = 16),
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL,
      PRIMARY KEY (kind, id)
    ) STRICT;
    CREATE INDEX vault_blobs_key ON vault_blobs (key_id);
  `,
};
