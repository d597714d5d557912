import { parse } from 'mrz';
import { describe, expect, it } from 'vitest';
import { checkDigit, sampleDocuments, samplePeople, td1, td2, td3, transliterate, type CheckDigitField, type PersonRecord } from './mrz.js';

const people: PersonRecord[] = Object.values(samplePeople);
const makers = { TD1: td1, TD2: td2, TD3: td3 } as const;

describe('ICAO 9303 check digits', () => {
  it('matches the worked examples of part 3 §4.9 and the specimen documents', () => {
    expect(checkDigit('520727')).toBe('3');
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('740812')).toBe('2');
    expect(checkDigit('120415')).toBe('9');
  });
});

describe('transliteration (ICAO 9303 part 3 §6)', () => {
  it('drops Latin diacritics and expands the two-way letters', () => {
    expect(transliterate('Conceição Simões')).toBe('CONCEICAO<SIMOES');
    expect(transliterate('Müller-Lüdenscheidt')).toBe('MUELLER<LUEDENSCHEIDT');
    expect(transliterate('Müller', { umlauts: 'plain' })).toBe('MULLER');
    expect(transliterate("Ørsted Strauß O'Brien")).toBe('OERSTED<STRAUSS<OBRIEN');
  });
  it('transliterates Ukrainian Cyrillic by table B with its Ukrainian exceptions', () => {
    expect(transliterate('Шевченко', { language: 'uk' })).toBe('SHEVCHENKO');
    expect(transliterate('Олександр Григорович', { language: 'uk' })).toBe('OLEKSANDR<HRYHOROVYCH');
    expect(transliterate('Юлія Щербак', { language: 'uk' })).toBe('IULIIA<SHCHERBAK');
    expect(transliterate('Григорий', { language: 'ru' })).toBe('GRIGORII');
  });
});

describe('generated MRZs', () => {
  for (const [format, make] of Object.entries(makers)) {
    it(`${format}: every sample person parses valid with mrz`, () => {
      for (const person of people) {
        const lines = make(person, { ...sampleDocuments.passport, issuingState: person.nationality, optionalData: format === 'TD2' ? '' : 'AB12' });
        const result = parse(lines);
        expect(result.format, lines.join('\n')).toBe(format);
        expect(result.valid, JSON.stringify(result.details.filter((d) => !d.valid))).toBe(true);
        expect(result.fields.nationality).toBe(person.nationality);
      }
    });
  }

  it('TD3 layout for a Ukrainian passport', () => {
    const lines = td3(samplePeople.ukrainian, { documentNumber: 'FA123456', issuingState: 'UKR', expirationDate: '2032-02-29' });
    expect(lines[0]).toBe('P<UKRSHEVCHENKO<<OLEKSANDR<HRYHOROVYCH'.padEnd(44, '<'));
    expect(lines.map((l) => l.length)).toEqual([44, 44]);
    const result = parse(lines);
    expect(result.valid).toBe(true);
    expect(result.fields.lastName).toBe('SHEVCHENKO');
    expect(result.fields.firstName).toBe('OLEKSANDR HRYHOROVYCH');
  });

  const corruptible: Record<keyof typeof makers, CheckDigitField[]> = {
    TD1: ['documentNumberCheckDigit', 'birthDateCheckDigit', 'expirationDateCheckDigit', 'compositeCheckDigit'],
    TD2: ['documentNumberCheckDigit', 'birthDateCheckDigit', 'expirationDateCheckDigit', 'compositeCheckDigit'],
    TD3: ['documentNumberCheckDigit', 'birthDateCheckDigit', 'expirationDateCheckDigit', 'personalNumberCheckDigit', 'compositeCheckDigit'],
  };
  for (const [format, fields] of Object.entries(corruptible) as [keyof typeof makers, CheckDigitField[]][]) {
    for (const corrupt of fields) {
      it(`${format}: a corrupted ${corrupt} is reported invalid on that field only`, () => {
        const lines = makers[format](samplePeople.portuguese, { ...sampleDocuments.passport, optionalData: format === 'TD3' ? 'X1234567' : '' }, { corrupt });
        const result = parse(lines);
        expect(result.valid).toBe(false);
        expect(result.details.filter((d) => !d.valid).map((d) => d.field)).toEqual([corrupt]);
      });
    }
  }
});
