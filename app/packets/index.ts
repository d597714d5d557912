/** Packets (shared/reference/agency-intake.md §2–3): build, encrypt, sign and write; see docs/packet-format.md. */
export { sealPacket, buildInnerArchive, encryptPayload, signDetachedEs256, PACKET_FORMAT, OUTER_ENTRIES, type SealOptions, type SealedPacket } from './seal.js';
export { loadSealKeys, loadAgencyEncryptionKey, loadStationSigningKey, checkAgencyEncryptionKey, checkStationSigningKey, PacketKeyError, MIN_RSA_BITS, type SealKeys, type PacketKeyErrorCode } from './keys.js';
export { keyId } from './key-id.js';
export { nextPacketId, formatPacketId, parsePacketId, sealedAtString, utcStamp, SEQUENCE_MODULUS, type ParsedPacketId } from './packet-id.js';
export { PacketInput, PacketInputError, PacketManifest, RecordInput, parsePacketInput, RECORD_SCHEMA_VERSION, processes, type PacketProcess, type ParsedPacketInput } from './schema.js';
export { writeFileAtomic, removeStaleTempFiles } from './atomic.js';
export { demoPacketInput, type DemoInputOptions } from './demo-input.js';
export { sealDemoPacket, defaultPacketDir } from './demo.js';
