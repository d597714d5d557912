/**
 * Document types the quality stage knows, with their physical size in
 * millimetres: A4 (ISO 216), the ID-1 card (ISO/IEC 7810) and the passport
 * data page, ID-3 / TD3 (ISO/IEC 7810; ICAO 9303 part 4 §2).
 */
export const documentTypes = ['a4', 'id1', 'td3'] as const;
export type DocumentType = (typeof documentTypes)[number];

export const documentSizesMm: Readonly<Record<DocumentType, { width: number; height: number }>> = {
  a4: { width: 210, height: 297 },
  id1: { width: 85.6, height: 53.98 },
  td3: { width: 125, height: 88 },
};

export const MM_PER_INCH = 25.4;
