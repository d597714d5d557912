/**
 * The capture stage of a case (DESIGN.md: device → driver → capture →
 * quality → case): each function takes one capture from a device through the
 * device manager, checks its quality, and hands the case a result it can
 * store. Nothing here keeps state or writes to disk; the case service
 * (app/cases) stores results in the encrypted draft.
 *
 * Failures: a DeviceError from the device (the case maps it with
 * deviceErrorToContract), or ContractError('case.no_device') when no ready,
 * approved device of the kind is there.
 */
import type { DeviceManager } from '../../devices/manager.js';
import type { QualityConfig } from '../../quality/config.js';
import type { QualityResult } from '../../quality/assess.js';
import type { GreyImage, PenSample, TabletGeometry } from '../../../drivers/capture.js';
import type { InkPoint, SlapName } from '../../contract/cases.js';

/** The device a capture came from, as record.json records it (agency-intake.md §3). */
export interface CaptureDevice {
  id: string;
  make: string;
  model: string;
  serial: string | null;
  firmware: string | null;
  /** 'agency' list entry or the station's own approval: what record.json calls approvedDeviceId. */
  approvedDeviceId: string | null;
}

export interface CaptureDeps {
  devices: DeviceManager;
  quality: QualityConfig;
  now(): Date;
}

// ── Fingerprints ───────────────────────────────────────────────────────────

export interface FingerCaptureOptions {
  /** A named device; otherwise the first ready, approved fingerprint reader. */
  deviceId?: string;
  /** ISO/IEC 19794-4 position 1–10 (what to ask the applicant for; a simulator makes a print for it). */
  position: number;
  signal?: AbortSignal;
  /** Live frames (PNG for the screen) and phases. */
  onPreview?(preview: { seq: number; phase: 'waiting' | 'reading' | 'assessing' | 'done' | 'failed'; frame: { png: Buffer; width: number; height: number } | null }): void;
}

export interface FingerCaptureResult {
  /** 8-bit grey, ≥ 500 ppi: what goes into the ISO/IEC 19794-4 record. */
  image: GreyImage;
  /** The same image as PNG, for the screen and the draft. */
  png: Buffer;
  quality: QualityResult;
  device: CaptureDevice;
  capturedAt: Date;
}

/** One whole slap (4-4-2) on a reader that takes slaps (DeviceView.slaps: the SBI family). */
export interface SlapCaptureOptions {
  /** A named device; otherwise the first ready, approved fingerprint reader that takes slaps. */
  deviceId?: string;
  slap: SlapName;
  /** Only these of the slap's fingers (a retry of those that failed); default: all but the exceptions. */
  positions?: readonly number[];
  /** The slap's fingers recorded as missing: left out, and the device is told (SBI bio.exception). */
  exceptions: readonly number[];
  signal?: AbortSignal;
  /** As for one finger; the frames show the whole slap. */
  onPreview?: FingerCaptureOptions['onPreview'];
}

export interface SlapFingerResult {
  /** ISO/IEC 19794-4 position 1–10. */
  position: number;
  image: GreyImage;
  png: Buffer;
  /** The station's own assessment (app/quality), the same as for one finger. */
  quality: QualityResult;
  /** The score the device gave (SBI qualityScore 0–100), kept for the record; the station's own decides. */
  deviceQuality: number;
}

export interface SlapCaptureResult {
  slap: SlapName;
  /** In the order asked for. */
  fingers: SlapFingerResult[];
  /** Fingers asked for that the device did not return (MOSIP's client silently accepts 3 of 4; this says so). */
  missing: number[];
  device: CaptureDevice;
  capturedAt: Date;
}

// ── MRZ and pages ──────────────────────────────────────────────────────────

export interface MrzParse {
  lines: string[];
  /** 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FRENCH_NATIONAL_ID' …, as the `mrz` package names it; null when unreadable. */
  format: string | null;
  valid: boolean;
  /** documentCode, issuingState, surname, givenNames, documentNumber, nationality, birthDate (YYYY-MM-DD), sex (F/M/X), expiryDate (YYYY-MM-DD); null where invalid. */
  fields: Record<string, string | null>;
}

export interface MrzReadResult extends MrzParse {
  device: CaptureDevice;
  readAt: Date;
}

export interface PageScanOptions {
  deviceId?: string;
  paper: 'a4' | 'id1' | 'td3';
  signal?: AbortSignal;
}

export interface PageScanResult {
  /** Encoded for the packet: PNG or JPEG, as documents/NN-<type>.<ext> allows. */
  bytes: Buffer;
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  /** A smaller PNG for the screen. */
  preview: Buffer;
  quality: QualityResult;
  device: CaptureDevice;
  scannedAt: Date;
}

// ── Signature pad (consent and signature) ──────────────────────────────────

export interface PadCaptureOptions {
  deviceId?: string;
  purpose: 'consent' | 'signature';
  /** Already translated into the applicant's language: drawn on the pad's screen. */
  prompt: { title: string; lines: string[]; accept: string; clear: string; cancel: string };
  /** Ink for the screen, batched (≤ 1 batch per ~16 ms); `clear` when the ink was wiped. */
  onInk(batch: { seq: number; clear: boolean; points: InkPoint[] }): void;
  signal?: AbortSignal;
}

export interface PadCaptureResult {
  samples: PenSample[];
  tablet: TabletGeometry;
  /** Black on white, as biometrics/signature.png. */
  png: Buffer;
  width: number;
  height: number;
  quality: QualityResult;
  device: CaptureDevice;
  capturedAt: Date;
}

/** A running pad capture: the screen's buttons act on it; `result` settles on accept, cancel or a device failure. */
export interface PadCapture {
  accept(): void;
  clear(): void;
  cancel(): void;
  result: Promise<PadCaptureResult>;
}

// ── What app/cases/capture/index.ts exports (implemented beside this file) ──

export interface CaptureStage {
  captureFinger(deps: CaptureDeps, options: FingerCaptureOptions): Promise<FingerCaptureResult>;
  captureSlap(deps: CaptureDeps, options: SlapCaptureOptions): Promise<SlapCaptureResult>;
  readMrz(deps: CaptureDeps, options: { deviceId?: string; signal?: AbortSignal }): Promise<MrzReadResult>;
  /** Typed lines: parsed the same way; never throws for bad lines (valid false, fields null). */
  parseMrz(lines: string[]): MrzParse;
  scanPage(deps: CaptureDeps, options: PageScanOptions): Promise<PageScanResult>;
  startPadCapture(deps: CaptureDeps, options: PadCaptureOptions): PadCapture;
  /** 0…1: how alike two fingerprint images are (1 = same); the case warns at or above SIMILAR_FINGER_THRESHOLD. */
  fingerSimilarity(a: GreyImage, b: GreyImage): number;
}
