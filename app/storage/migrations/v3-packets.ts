import type { Migration } from '../migrations.js';

/** Schema for app/packets (owned by that capability; never edit once shipped — add a new migration). */
export const v3Packets: Migration = {
  version: 3,
  name: 'packet sequence',
  sql: `
    -- The per-station packet sequence of the packet id (agency-intake.md §2:
    -- centreId 5 + stationId 5 + sequence 5, zero-padded, wrapping + UTC
    -- yyyyMMddHHmmss). One row per centre and station, so that a station
    -- re-provisioned under another id starts its own count. last_sequence is
    -- the last number handed out (0..99999); the next is (last + 1) mod 100000.
    CREATE TABLE packet_sequence (
      centre_id      TEXT NOT NULL CHECK (length(centre_id) = 5 AND centre_id NOT GLOB '*[^0-9]*'),
      station_id     TEXT NOT NULL CHECK (length(station_id) = 5 AND station_id NOT GLOB '*[^0-9]*'),
      last_sequence  INTEGER NOT NULL CHECK (last_sequence BETWEEN 0 AND 99999),
      updated_at     TEXT NOT NULL,
      PRIMARY KEY (centre_id, station_id)
    ) STRICT;
  `,
};
