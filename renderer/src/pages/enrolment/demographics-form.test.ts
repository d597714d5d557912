import { describe, expect, it } from 'vitest';
import { describeForm } from '../../../../app/contract/demographics';
import { groupSections, mrzLinesOf, mrzShapeOk, normaliseInput, validateDemographics } from './demographics-form';

const fields = describeForm('pt-aima');
const good = {
  surname: 'Коваленко',
  givenNames: 'Олена',
  sex: 'F',
  birthDate: '1990-04-12',
  placeOfBirth: 'Київ',
  nationality: 'UKR',
  documentType: 'passport',
  documentNumber: 'FP123456',
  issuingState: 'UKR',
  expiryDate: '2030-04-11',
  email: '',
  phone: '',
  address: '',
};

describe('form generation', () => {
  it('groups the profile’s fields into sections in schema order, keeping the field order', () => {
    const sections = groupSections(fields);
    expect(sections.map((s) => s.id)).toEqual(['person', 'document', 'contact']);
    expect(sections[0]?.fields.map((f) => f.name)).toEqual(['surname', 'givenNames', 'sex', 'birthDate', 'placeOfBirth', 'nationality']);
    expect(sections.flatMap((s) => s.fields).length).toBe(fields.length);
  });

  it('carries kinds, required marks, options and the MRZ link the inputs are built from', () => {
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(byName.surname).toMatchObject({ kind: 'text', required: true, mrz: 'surname', maxLength: 200 });
    expect(byName.givenNames?.required).toBe(false);
    expect(byName.sex).toMatchObject({ kind: 'select', options: ['F', 'M', 'X'], required: true });
    expect(byName.birthDate?.kind).toBe('date');
    expect(byName.nationality?.kind).toBe('country');
    expect(byName.email).toMatchObject({ kind: 'email', required: false });
    expect(byName.address?.kind).toBe('textarea');
  });
});

describe('validation messages from zod issues', () => {
  it('accepts a complete form with Cyrillic names', () => {
    expect(validateDemographics('pt-aima', fields, good)).toEqual({});
  });

  it('asks to fill in every empty required field, whatever rule zod reports', () => {
    const messages = validateDemographics('pt-aima', fields, {});
    expect(Object.keys(messages).sort()).toEqual(['birthDate', 'documentNumber', 'documentType', 'expiryDate', 'issuingState', 'nationality', 'sex', 'surname']);
    for (const message of Object.values(messages)) expect(message.key).toBe('required');
  });

  it('names what is wrong with a filled-in field', () => {
    const messages = validateDemographics('pt-aima', fields, {
      ...good,
      givenNames: 'x'.repeat(201),
      birthDate: '1990-02-30',
      nationality: 'UK',
      documentNumber: 'FP 123',
      email: 'olena@',
      phone: '12',
      sex: 'Q',
    });
    expect(messages).toEqual({
      givenNames: { key: 'tooLong', params: { max: 200 } },
      birthDate: { key: 'date', params: {} },
      nationality: { key: 'country', params: {} },
      documentNumber: { key: 'characters', params: {} },
      email: { key: 'email', params: {} },
      phone: { key: 'phone', params: {} },
      sex: { key: 'choose', params: {} },
    });
  });

  it('keeps optional fields optional when empty', () => {
    const messages = validateDemographics('pt-aima', fields, { ...good, givenNames: '', placeOfBirth: '', email: '', phone: '', address: '' });
    expect(messages).toEqual({});
  });
});

describe('input helpers', () => {
  it('upper-cases country codes and keeps names as typed', () => {
    expect(normaliseInput({ kind: 'country', name: 'nationality' }, 'ukr1')).toBe('UKR');
    expect(normaliseInput({ kind: 'text', name: 'surname' }, 'Ḥusayn ʿAlī')).toBe('Ḥusayn ʿAlī');
    expect(normaliseInput({ kind: 'text', name: 'surname' }, 'حسين')).toBe('حسين');
  });

  it('reads typed MRZ lines and checks their ICAO shape', () => {
    const td3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
    expect(mrzLinesOf(` ${td3[0]?.toLowerCase()}\n\n${td3[1]} \n`)).toEqual(td3);
    expect(mrzShapeOk(td3)).toBe(true);
    expect(mrzShapeOk([td3[0] ?? '', (td3[1] ?? '').slice(1)])).toBe(false);
    expect(mrzShapeOk(['A'.repeat(30), 'B'.repeat(30), 'C'.repeat(30)])).toBe(true);
    expect(mrzShapeOk(['A'.repeat(36), 'B'.repeat(36)])).toBe(true);
    expect(mrzShapeOk(['A'.repeat(44)])).toBe(false);
  });
});
