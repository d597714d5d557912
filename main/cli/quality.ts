/**
 * `balcao quality fingerprint <file>` and `balcao quality document <file>
 * --type a4|id1|td3`: the quality stage on an image file, printing
 * { score, passed, measures, reasons } — fingerprints with NIST's measure
 * names (NFIQ 2), documents with app/quality/document's.
 *
 * Files are decoded by app/quality/image-input.ts (size and pixel limits
 * before decoding, EXIF orientation, BT.601 grey, alpha onto white); the
 * density in the file is ignored here — documents are judged by pixels
 * across ÷ physical width, fingerprints are taken as 500 ppi.
 */
import { assess, type AssessContext, type QualityResult } from '../../app/quality/assess.js';
import { documentTypes, type DocumentType } from '../../app/quality/document/types.js';
import { readGreyImageFile } from '../../app/quality/image-input.js';
import { QualityInputError, type GreyPixels } from '../../app/quality/pixels.js';
import { CliError, exitCodes } from './open-station.js';

export interface QualityCliOutput {
  result: QualityResult;
  /** What to print on stdout: JSON when asked for, else one line per figure. */
  output: string;
}

async function decodeGrey(file: string): Promise<GreyPixels> {
  try {
    return await readGreyImageFile(file);
  } catch (error) {
    // ImageInputError's message already names the file and what was wrong with it.
    if (error instanceof QualityInputError) throw new CliError(error.message, exitCodes.usage);
    throw error;
  }
}

function run(modality: 'finger' | 'document', input: Parameters<typeof assess>[1], context: AssessContext, file: string): QualityResult {
  try {
    return assess(modality, input as never, context);
  } catch (error) {
    if (error instanceof QualityInputError) throw new CliError(`${file}: ${error.message}`, exitCodes.usage);
    throw error;
  }
}

function format(result: QualityResult, json: boolean): string {
  const exact = { score: result.score, passed: result.passed, measures: result.measures, reasons: result.reasons };
  if (json) return `${JSON.stringify(exact, null, 2)}\n`;
  const lines = [`score ${result.score} — ${result.passed ? 'passed' : 'not passed'}`];
  for (const r of result.reasons) {
    const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ');
    lines.push(`  reason: ${r.code}${params ? ` (${params})` : ''}`);
  }
  for (const [name, value] of Object.entries(result.measures)) lines.push(`  ${name.padEnd(40)} ${value}`);
  return `${lines.join('\n')}\n`;
}

/** NFIQ 2 on a 500 ppi grey fingerprint image file. */
export async function qualityFingerprint(file: string, options: { json?: boolean } = {}, context: AssessContext = {}): Promise<QualityCliOutput> {
  const image = await decodeGrey(file);
  const result = run('finger', image, context, file);
  return { result, output: format(result, options.json === true) };
}

/** Document page quality for a scan or photo of one document of the given type. */
export async function qualityDocument(file: string, options: { type: string; json?: boolean }, context: AssessContext = {}): Promise<QualityCliOutput> {
  if (!(documentTypes as readonly string[]).includes(options.type)) {
    throw new CliError(`No document type ${options.type}; use one of: ${documentTypes.join(', ')} (A4 page, ID-1 card, TD3 passport data page).`, exitCodes.usage);
  }
  const image = await decodeGrey(file);
  const result = run('document', { image, type: options.type as DocumentType }, context, file);
  return { result, output: format(result, options.json === true) };
}
