/**
 * From a complete case draft to the sealer's input (app/packets/schema.ts
 * PacketInput): record.json's content (applicant, consent, one capture entry
 * per finger, signature and page, with device, quality measures, attempts,
 * exceptions and force-captures), the fingers as 8-bit grey images, the
 * signature's pen samples and tablet, the pages as PNG/JPEG, and the case's
 * audit events. Pure apart from reading the case's blobs through `blob`.
 */
import { demographicsProfiles, type DemographicsProfileId } from '../contract/demographics.js';
import type { PacketInput } from '../packets/schema.js';
import type { CaseDraft, DeviceRecord, PageRecord, StoredQuality } from './draft.js';
import { completeForm } from './rules.js';

export interface PacketSources {
  /** A blob of the case (decrypted), or null when it is missing. */
  blob(ref: string): Buffer | null;
}

export class PacketBuildError extends Error {
  override readonly name = 'PacketBuildError';
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const orNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value.trim());

function deviceInfo(device: DeviceRecord | null) {
  if (device === null) return null;
  return {
    make: device.make.slice(0, 80) || 'unknown',
    model: device.model.slice(0, 80) || 'unknown',
    serial: device.serial?.slice(0, 80) ?? null,
    approvedDeviceId: device.approvedDeviceId?.slice(0, 80) ?? null,
    firmware: device.firmware?.slice(0, 80) ?? null,
  };
}

function quality(q: StoredQuality | null) {
  if (q === null) return { score: null, passed: null, measures: {} };
  return { score: Math.max(0, Math.min(100, q.score)), passed: q.passed, measures: { ...q.measures } };
}

function need(sources: PacketSources, ref: string, what: string): Buffer {
  const bytes = sources.blob(ref);
  if (bytes === null) throw new PacketBuildError(`The ${what} is missing from the case's draft (blob ${ref}); capture it again.`);
  return bytes;
}

/** Every page of the case in packet order: identity document pages first, then the checklist's. */
export function packetPages(draft: CaseDraft): PageRecord[] {
  return [...draft.identityPages, ...draft.documents];
}

export function buildPacketInput(draft: CaseDraft, profile: DemographicsProfileId, sources: PacketSources, completedAt: Date): PacketInput {
  const form = demographicsProfiles[profile].safeParse(completeForm(profile, draft.demographics));
  if (!form.success) throw new PacketBuildError(`The demographic form is not complete (${form.error.issues.map((i) => i.path.join('.')).join(', ')}).`);
  const d = form.data;
  if (draft.consent === null) throw new PacketBuildError('No consent is recorded: a packet is sealed only with consent.');

  const takesFingers = draft.steps.includes('fingers');
  const takesSignature = draft.steps.includes('signature');
  const captures: PacketInput['record']['captures'] = [];
  const fingers: NonNullable<PacketInput['fingers']> = [];

  if (takesFingers) {
    for (const slot of draft.fingers) {
      const position = pad2(slot.position);
      if (slot.state === 'exception') {
        const reason = slot.exception?.note ? `${slot.exception.reason}: ${slot.exception.note}` : (slot.exception?.reason ?? 'other');
        captures.push({ modality: 'finger', position, device: deviceInfo(slot.device), quality: quality(null), attempts: slot.attempts, exception: { reason: reason.slice(0, 200) }, capturedAt: null });
        continue;
      }
      if (slot.state !== 'captured' || slot.image === null || slot.raw === null) throw new PacketBuildError(`Finger ${slot.position} is neither captured nor recorded as an exception.`);
      const pixels = need(sources, `${slot.image}-raw`, `image of finger ${slot.position}`);
      fingers.push({ position: slot.position, image: { width: slot.raw.width, height: slot.raw.height, ppi: slot.raw.ppi, pixels: new Uint8Array(pixels) } });
      captures.push({
        modality: 'finger',
        position,
        device: deviceInfo(slot.device),
        quality: quality(slot.quality),
        attempts: slot.attempts,
        exception: null,
        forceCapture: slot.forcedBy !== null,
        supervisorId: slot.forcedBy,
        capturedAt: slot.capturedAt,
      });
    }
  }

  let signature: PacketInput['signature'] = null;
  if (takesSignature) {
    const s = draft.signature;
    if (s.state !== 'captured' || s.tablet === null || s.samples.length === 0) throw new PacketBuildError('The signature is not captured.');
    signature = { samples: s.samples.map((p) => ({ ...p })), tablet: { ...s.tablet } };
    captures.push({ modality: 'signature', position: 'signature', device: deviceInfo(s.device), quality: quality(s.quality), attempts: s.attempts, exception: null, capturedAt: s.capturedAt });
  }

  const documents: NonNullable<PacketInput['documents']> = [];
  packetPages(draft).forEach((page, i) => {
    const bytes = need(sources, `${page.id}-bytes`, `page ${i + 1} (${page.type})`);
    documents.push({ type: page.type, mediaType: page.mediaType, bytes: new Uint8Array(bytes) });
    captures.push({ modality: 'document', position: pad2(i + 1), device: deviceInfo(page.device), quality: quality(page.quality), attempts: 1, exception: null, capturedAt: page.scannedAt });
  });

  return {
    record: {
      caseId: draft.id,
      serviceType: draft.serviceType,
      applicant: {
        surname: d.surname,
        givenNames: d.givenNames,
        sex: d.sex,
        birthDate: d.birthDate,
        nationality: d.nationality,
        placeOfBirth: orNull(d.placeOfBirth),
        document: { type: d.documentType, number: d.documentNumber, issuingState: d.issuingState, expiryDate: d.expiryDate },
        contact: { email: orNull(d.email), phone: orNull(d.phone), address: orNull(d.address) },
      },
      consent: { textVersion: draft.consent.textVersion, language: draft.consent.language, givenAt: draft.consent.givenAt, accepted: true },
      captures,
      operatorId: draft.operator,
      supervisorId: draft.approval?.by ?? null,
      timestamps: { caseOpenedAt: draft.openedAt, completedAt: completedAt.toISOString() },
    },
    fingers,
    signature,
    documents,
    audit: draft.audit.map((a) => ({ at: a.at, type: a.type, actor: a.actor, details: { ...a.details } })),
  };
}
