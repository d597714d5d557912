import path from 'node:path';
import type { StationConfig } from './schema.js';
import { configFromObject } from './load.js';

export interface DemoOptions {
  dataDir: string;
  /** Where the local agency simulator listens; the demo points the station at it. */
  agencyUrl?: string;
  overrides?: Partial<Pick<StationConfig, 'auth' | 'languages' | 'defaultLanguage' | 'mode' | 'ui' | 'devices'>>;
}

/**
 * The demo profile: working defaults with simulated devices and the local
 * agency simulator. Keys live in the data directory (the agency simulator
 * writes them there when it first starts).
 */
export function demoConfig({ dataDir, agencyUrl = 'http://127.0.0.1:4700/', overrides = {} }: DemoOptions): StationConfig {
  const abs = path.resolve(dataDir);
  return configFromObject(
    {
      centreId: '10001',
      stationId: '10077',
      stationName: 'Balcão demo — CLAIM Lisboa',
      dataDir: abs,
      demo: true,
      languages: ['pt', 'en', 'uk', 'ru', 'bg', 'cs', 'ar'],
      defaultLanguage: 'pt',
      agency: {
        url: agencyUrl,
        token: 'demo-station-token',
        encryptionKey: path.join(abs, 'keys', 'agency-encryption.pub.pem'),
        receiptKey: path.join(abs, 'keys', 'agency-receipt.pub.pem'),
      },
      station: { signingKey: path.join(abs, 'keys', 'station-signing.pem') },
      devices: { simulate: true, list: [] },
      ...overrides,
    },
    abs,
  );
}
