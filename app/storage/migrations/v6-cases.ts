import type { Migration } from '../migrations.js';

/**
 * Schema for app/cases (the enrolment case; docs/enrolment.md). Never edit once shipped — add a new migration.
 *
 * One row per case with only what lists and finds cases: ids, the service,
 * where the case is, who opened it and when. No personal data: the applicant's
 * name, form, MRZ, captures and consent are in the case's encrypted draft in
 * the vault (vault_blobs kind 'case-draft' and 'case-blob', id = the case id).
 */
export const v6Cases: Migration = {
  version: 6,
  name: 'enrolment cases',
  sql: `
    CREATE TABLE cases (
      id          TEXT PRIMARY KEY CHECK (id GLOB '[a-z0-9]*' AND length(id) BETWEEN 1 AND 64),
      service     TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('open', 'paused', 'sealed', 'cancelled')),
      step        TEXT NOT NULL,
      operator    TEXT NOT NULL,
      opened_at   TEXT NOT NULL,
      updated_at  TEXT NOT NULL,
      revision    INTEGER NOT NULL DEFAULT 0,
      -- The sealed packet's id (public: it is the registration number on the receipt).
      packet_id   TEXT
    ) STRICT;
    CREATE INDEX cases_status ON cases (status, updated_at);
  `,
};
