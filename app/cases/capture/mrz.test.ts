import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../device-simulators/random.js';
import { sampleDocuments, samplePeople, td1, td3 } from '../../../device-simulators/documents/mrz.js';
import { mrzDate, parseMrz } from './mrz.js';

const today = new Date('2026-03-02T00:00:00Z');

describe('parseMrz', () => {
  it('parses the ICAO 9303 part 4 TD3 specimen (Utopia is no real state, so the package marks those fields invalid)', () => {
    const r = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], today);
    expect(r.format).toBe('TD3');
    expect(r.valid).toBe(false);
    expect(r.fields).toEqual({
      documentCode: 'P',
      issuingState: null,
      surname: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      documentNumber: 'L898902C3',
      nationality: null,
      birthDate: '1974-08-12',
      sex: 'F',
      expiryDate: '2012-04-15',
    });
  });

  it('parses the ICAO 9303 part 5 TD1 specimen, typed in lower case with stray spaces', () => {
    const r = parseMrz([' i<utod231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6 ', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'], today);
    expect(r.format).toBe('TD1');
    expect(r.lines[0]).toBe('I<UTOD231458907<<<<<<<<<<<<<<<');
    expect(r.fields).toMatchObject({ documentCode: 'I', documentNumber: 'D23145890', surname: 'ERIKSSON', birthDate: '1974-08-12', expiryDate: '2012-04-15', sex: 'F' });
  });

  it('is valid for a well-formed simulated passport and ID card', () => {
    const passport = parseMrz(td3(samplePeople.portuguese, sampleDocuments.passport), today);
    expect(passport).toMatchObject({ format: 'TD3', valid: true, fields: { issuingState: 'PRT', nationality: 'PRT', birthDate: '1987-03-14', sex: 'M' } });
    const card = parseMrz(td1(samplePeople.brazilian, sampleDocuments.idCard ?? sampleDocuments.passport), today);
    expect(card.fields['birthDate']).toBe('1992-11-02');
  });

  it('never throws for garbage: format null, not valid, every field null', () => {
    for (const lines of [['hello', 'world'], [], ['<<<<'], ['P<UTO', ''], ['€€€€', '€€€€']]) {
      const r = parseMrz(lines, today);
      expect(r.valid).toBe(false);
      if (r.format === null) expect(Object.values(r.fields).every((v) => v === null)).toBe(true);
    }
    const random = createPrng(66);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
    for (let i = 0; i < 2000; i++) {
      const lines = Array.from({ length: 2 + Math.floor(random() * 2) }, () => Array.from({ length: Math.floor(random() * 46) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
      expect(() => parseMrz(lines, today)).not.toThrow();
    }
  });
});

describe('mrzDate', () => {
  it('puts birth dates in the past and expiry dates within 50 years of today', () => {
    expect(mrzDate('740812', 'birth', today)).toBe('1974-08-12');
    expect(mrzDate('250101', 'birth', today)).toBe('2025-01-01');
    expect(mrzDate('260303', 'birth', today)).toBe('1926-03-03');
    expect(mrzDate('310101', 'expiry', today)).toBe('2031-01-01');
    expect(mrzDate('120415', 'expiry', today)).toBe('2012-04-15');
    expect(mrzDate('990101', 'expiry', today)).toBe('1999-01-01');
    expect(mrzDate('761301', 'birth', today)).toBeNull();
    expect(mrzDate('010229', 'birth', today)).toBeNull();
    expect(mrzDate('abc', 'birth', today)).toBeNull();
    expect(mrzDate(null, 'expiry', today)).toBeNull();
  });
});
