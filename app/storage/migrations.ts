/**
 * Versioned schema. Each migration runs once, in order, inside a transaction;
 * `PRAGMA user_version` records the last one applied. Never edit a migration
 * that has shipped: add a new one.
 */
import { v3Packets } from './migrations/v3-packets.js';
import { v4Outbox } from './migrations/v4-outbox.js';
import { v5Vault } from './migrations/v5-vault.js';
import { v6Cases } from './migrations/v6-cases.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'operators and audit log',
    sql: `
      CREATE TABLE operators (
        id              INTEGER PRIMARY KEY,
        username        TEXT NOT NULL UNIQUE,
        display_name    TEXT NOT NULL,
        role            TEXT NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
        password_hash   TEXT NOT NULL,
        language        TEXT,
        disabled        INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        failed_logins   INTEGER NOT NULL DEFAULT 0,
        locked_until    TEXT,
        created_at      TEXT NOT NULL,
        last_login_at   TEXT
      ) STRICT;

      -- Append-only and hash-chained: each row's hash covers the previous row's
      -- hash, so a removed or altered row breaks the chain from there on.
      CREATE TABLE audit_log (
        seq        INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        type       TEXT NOT NULL,
        actor      TEXT,
        details    TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

      CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'device approvals',
    sql: `
      -- Devices approved by an administrator at this station (the agency's
      -- signed list is a file, not stored here). A device without a serial
      -- number is approved at one address; one with a serial, anywhere.
      -- Revoking keeps the row: who approved and who revoked stay on record.
      CREATE TABLE device_approvals (
        id           INTEGER PRIMARY KEY,
        make         TEXT NOT NULL,
        model        TEXT NOT NULL,
        serial       TEXT,
        address      TEXT,
        approved_by  TEXT NOT NULL,
        approved_at  TEXT NOT NULL,
        revoked_by   TEXT,
        revoked_at   TEXT,
        CHECK (serial IS NOT NULL OR address IS NOT NULL)
      ) STRICT;
      CREATE INDEX device_approvals_active ON device_approvals (make, model, serial) WHERE revoked_at IS NULL;
    `,
  },
  // From version 3 on, each capability's migration lives in ./migrations/ (one file each, so they can be written side by side).
  v3Packets,
  v4Outbox,
  v5Vault,
  v6Cases,
];

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);
