/**
 * The capture stage (see ./types.ts): fingerprints (finger.ts, slaps in
 * slap.ts), the MRZ
 * (mrz.ts), scanned pages (pages.ts), the signature pad (signature.ts, by
 * the pad's own module) and the same-finger check (similarity.ts).
 */
import type { CaptureStage } from './types.js';
import { captureFinger } from './finger.js';
import { captureSlap } from './slap.js';
import { parseMrz, readMrz } from './mrz.js';
import { scanPage } from './pages.js';
import { fingerSimilarity } from './similarity.js';
import { startPadCapture } from './signature.js';

export * from './types.js';

/**
 * fingerSimilarity at or above this: the case warns that two positions may
 * be the same finger. similarity.ts gives ≥ 0.99 for the same impression
 * twice and ≤ 0.15 for different fingers; see there for what it does not see.
 */
export const SIMILAR_FINGER_THRESHOLD = 0.9;

export { captureFinger, captureSlap, fingerSimilarity, parseMrz, readMrz, scanPage, startPadCapture };
export { selectDevice, captureDeviceOf, approvedDeviceIdOf } from './select.js';
export { mrzDate } from './mrz.js';

/** Everything at once, for a caller that takes the stage as a value (tests substitute parts). */
export const captureStage: CaptureStage = { captureFinger, captureSlap, readMrz, parseMrz: (lines) => parseMrz(lines), scanPage, startPadCapture, fingerSimilarity };
