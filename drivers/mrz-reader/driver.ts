/**
 * A passive MRZ reader on a serial line: it sends one framed document each
 * time a document is swiped or laid on it, and takes no commands. The driver
 * waits for one document, strips the framing (framing.ts) and parses the lines
 * with the `mrz` package.
 *
 * The 'lines' framing has no end marker: a burst ends after an inter-byte gap
 * (default 150 ms). The gap is timed here, not in the pure decoder: after
 * `interByteTimeoutMs` of silence the driver re-runs the decoder with
 * `ended = true` (by offering the FrameReader an empty chunk), so a partial
 * burst becomes a document or a protocol error. DESKO and 3M frames that stop
 * half-way are reported as truncated by the same gap.
 */
import { parse, type Details, type FieldRecords, type MRZFormat } from 'mrz';
import type { DeviceIdentity, RawMrzRead } from '../capture.js';
import { DeviceError } from '../errors.js';
import { linkView, type ByteLink } from '../transport/byte-link.js';
import { FrameReader } from '../transport/frame-reader.js';
import { decoderFor, MrzGarbageError, type MrzFrame, type MrzFraming } from './framing.js';

export interface MrzReaderOptions {
  framing: MrzFraming;
  /** Silence that ends a burst (and marks a half-sent frame as truncated). Default 150 ms. */
  interByteTimeoutMs?: number;
  /** Make, model… where the caller knows them; the family is the framing. */
  identity?: Partial<Omit<DeviceIdentity, 'family'>>;
}

export interface MrzFieldProblem {
  /** The `mrz` package's field name (e.g. 'birthDateCheckDigit'), or null for unnamed parts. */
  field: string | null;
  label: string;
  error: string;
}

export interface ParsedMrz {
  format: MRZFormat;
  /** True when every field, check digits included, is valid. */
  valid: boolean;
  /** As the `mrz` package gives them (`result.fields`): invalid fields are null. */
  fields: FieldRecords;
  /** The document number as printed (`result.documentNumber`). */
  documentNumber: string | null;
  /** Check digits that do not match their field (mrz field names). */
  checkDigitFailures: string[];
  /** Every invalid field with the package's reason. */
  invalidFields: MrzFieldProblem[];
  /** The package's per-field details, for a UI that highlights characters. */
  details: Details[];
}

export interface MrzReadResult {
  read: RawMrzRead;
  parsed: ParsedMrz;
}

const FRAMING_NAMES: Record<MrzFraming, { make: string; model: string; what: string }> = {
  desko: { make: 'DESKO', model: 'CUTE serial', what: 'a DESKO-framed MRZ document' },
  '3m': { make: '3M', model: 'RTE6701', what: 'a 3M RTE-framed MRZ document' },
  lines: { make: 'generic', model: 'OCR line reader', what: 'an MRZ document (CR-terminated lines)' },
};

/** The `mrz` package's result in the shape the station keeps: fields as it names them, plus valid, format and what failed. */
export function parseMrzLines(lines: readonly string[]): ParsedMrz {
  const result = parse([...lines]);
  const invalid = result.details.filter((d) => !d.valid);
  return {
    format: result.format,
    valid: result.valid,
    fields: result.fields,
    documentNumber: result.documentNumber,
    checkDigitFailures: invalid.filter((d) => d.field !== null && d.field.endsWith('CheckDigit')).map((d) => d.field as string),
    invalidFields: invalid.map((d) => ({ field: d.field, label: d.label, error: d.error ?? 'invalid' })),
    details: result.details,
  };
}

export class MrzReaderDriver {
  private readonly reader: FrameReader<MrzFrame>;
  private readonly gapMs: number;
  private ended = false;
  private gapTimer: NodeJS.Timeout | null = null;
  private readonly detachGap: () => void;
  private readonly gapListeners = new Set<(chunk: Buffer) => void>();

  constructor(
    private readonly link: ByteLink,
    private readonly options: MrzReaderOptions,
  ) {
    this.gapMs = options.interByteTimeoutMs ?? 150;
    const decode = decoderFor(options.framing);
    // The FrameReader sees the link through this view, whose data also carries the gap: an empty chunk re-runs the decoder with ended = true.
    const view = linkView(link, {
      onData: (listener) => {
        this.gapListeners.add(listener);
        return () => this.gapListeners.delete(listener);
      },
    });
    this.detachGap = link.onData((chunk) => {
      if (this.gapTimer !== null) clearTimeout(this.gapTimer);
      for (const listener of this.gapListeners) listener(chunk);
      this.gapTimer = setTimeout(() => this.endBurst(), this.gapMs);
    });
    this.reader = new FrameReader<MrzFrame>(view, (buffer) => decode(buffer, this.ended));
  }

  private endBurst(): void {
    this.gapTimer = null;
    this.ended = true;
    try {
      for (const listener of this.gapListeners) listener(Buffer.alloc(0));
    } finally {
      this.ended = false;
    }
  }

  get identity(): DeviceIdentity {
    const names = FRAMING_NAMES[this.options.framing];
    return { family: this.options.framing, make: names.make, model: names.model, serial: null, firmware: null, ...this.options.identity };
  }

  /**
   * Waits up to `timeoutMs` for one document. Bytes that are not a frame are
   * skipped (a document may follow them); a malformed frame fails at once
   * ('checksum', 'protocol'); silence fails with 'timeout', or with
   * 'protocol' if only garbage came; a lost link with 'disconnected'.
   */
  async read(timeoutMs: number): Promise<MrzReadResult> {
    const what = FRAMING_NAMES[this.options.framing].what;
    const where = this.link.description;
    const deadline = performance.now() + timeoutMs;
    let garbage: DeviceError | null = null;
    for (;;) {
      const remaining = Math.max(1, Math.round(deadline - performance.now()));
      let frame: MrzFrame;
      try {
        frame = await this.reader.next(remaining, what);
      } catch (error) {
        if (error instanceof MrzGarbageError && performance.now() < deadline) {
          garbage = error;
          continue;
        }
        if (error instanceof DeviceError && error.code === 'timeout') {
          if (garbage !== null) throw new DeviceError('protocol', `Waiting ${timeoutMs} ms for ${what} on ${where}, only bytes that are not one came: ${lower(garbage.message)}`);
          throw new DeviceError('timeout', `No ${what.replace(/^an? /, '')} arrived from ${where} within ${timeoutMs} ms.`);
        }
        if (error instanceof DeviceError) throw new DeviceError(error.code, `Waiting for ${what} on ${where}: ${lower(error.message)}`, error.deviceCode);
        throw error;
      }
      if (frame.lines.length === 0) throw new DeviceError('protocol', `Waiting for ${what} on ${where}: the reader sent a frame with no MRZ lines (nothing recognised on the document).`);
      let parsed: ParsedMrz;
      try {
        parsed = parseMrzLines(frame.lines);
      } catch (error) {
        throw new DeviceError('protocol', `Waiting for ${what} on ${where}: the lines read (${frame.lines.map((l) => l.length).join(' + ')} characters) are not an MRZ the mrz package knows (${(error as Error).message}).`);
      }
      const read: RawMrzRead = { kind: 'mrz', device: this.identity, lines: frame.lines, readAt: new Date().toISOString() };
      return { read, parsed };
    }
  }

  /** Stops listening; the link stays open (the caller owns it). */
  close(): void {
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.detachGap();
    this.reader.close();
  }
}

function lower(sentence: string): string {
  return sentence.length > 1 && /^[A-Z][a-z]/.test(sentence) ? sentence[0]!.toLowerCase() + sentence.slice(1) : sentence;
}
