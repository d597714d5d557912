import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../storage/database.js';
import { formatPacketId, nextPacketId, parsePacketId, sealedAtString } from './packet-id.js';
import { createPrng } from '../../device-simulators/random.js';

let dir: string;
let db: Db;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'balcao-packet-id-'));
  db = openDatabase({ dataDir: dir });
});
afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('packet ids (agency-intake.md §2)', () => {
  it('is the spec example for centre 10001, station 10077, sequence 1, 2026-11-22 10:11:12 UTC', () => {
    expect(formatPacketId('10001', '10077', 1, new Date('2026-11-22T10:11:12.999Z'))).toBe('10001100770000120261122101112');
    expect(sealedAtString(new Date('2026-11-22T10:11:12.999Z'))).toBe('2026-11-22T10:11:12Z');
  });

  it('starts each station at 00001, counts per station, and wraps from 99999 to 00000', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    expect(nextPacketId(db, '20001', '00001', now)).toBe('20001000010000120260102030405');
    expect(nextPacketId(db, '20001', '00001', now)).toBe('20001000010000220260102030405');
    expect(nextPacketId(db, '20001', '00002', now)).toBe('20001000020000120260102030405');
    db.prepare("UPDATE packet_sequence SET last_sequence = 99998 WHERE centre_id = '20001' AND station_id = '00001'").run();
    expect(nextPacketId(db, '20001', '00001', now).slice(10, 15)).toBe('99999');
    expect(nextPacketId(db, '20001', '00001', now).slice(10, 15)).toBe('00000');
    expect(nextPacketId(db, '20001', '00001', now).slice(10, 15)).toBe('00001');
  });

  it('keeps the sequence in the database across reopening', () => {
    const now = new Date('2026-01-02T03:04:05Z');
    const before = nextPacketId(db, '30001', '00001', now);
    db.close();
    db = openDatabase({ dataDir: dir });
    const after = nextPacketId(db, '30001', '00001', now);
    expect(Number(after.slice(10, 15))).toBe(Number(before.slice(10, 15)) + 1);
  });

  it('round-trips through parsePacketId for random ids, and refuses malformed ones', () => {
    const random = createPrng(5);
    for (let i = 0; i < 2000; i++) {
      const centre = String(Math.floor(random() * 1e5)).padStart(5, '0');
      const station = String(Math.floor(random() * 1e5)).padStart(5, '0');
      const sequence = Math.floor(random() * 1e5);
      const at = new Date(Math.floor(random() * 253402300799) * 1000);
      const id = formatPacketId(centre, station, sequence, at);
      expect(id).toMatch(/^\d{29}$/);
      expect(parsePacketId(id)).toEqual({ centreId: centre, stationId: station, sequence, sealedAt: at });
    }
    expect(parsePacketId('1000110077000012026112210111')).toBeNull();
    expect(parsePacketId('10001100770000120261322101112')).toBeNull(); // month 13
    expect(parsePacketId('1000110077000012026112210111a')).toBeNull();
    expect(() => formatPacketId('1001', '10077', 1, new Date())).toThrow(/centreId/);
    expect(() => formatPacketId('10001', '10077', 100000, new Date())).toThrow(/sequence/);
    expect(() => nextPacketId(db, '10001', 'abcde', new Date())).toThrow(/stationId/);
  });
});
