import path from 'node:path';
import type { StationConfig } from '../config/schema.js';

/** Where packets wait by default: `<dataDir>/packets` (encrypted outer files only). */
export function defaultPacketDir(config: Pick<StationConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'packets');
}
