import { z } from 'zod';
import { OutboxSettings } from '../outbox/settings.js';
import { QualityConfig } from '../quality/config.js';
import { Locale } from '../contract/channels.js';
import { CasesConfig } from '../cases/services.js';

/**
 * The station configuration: one JSON file. Key names under `agency` and
 * `station` are those of the agency's provisioning table
 * (shared/reference/agency-intake.md §1) so that an agency's own tooling can
 * write the file.
 */
const FiveDigits = z.string().regex(/^\d{5}$/, 'must be exactly 5 digits, as assigned by the agency');
const KeyPath = z.string().min(1, 'must name a key file');

export const DeviceConfig = z
  .object({
    id: z.string().min(1).max(64),
    driver: z.string().min(1).max(32),
    /** Serial port path, HID path, SANE device name or base URL, depending on the driver. */
    address: z.string().min(1).optional(),
    baud: z.number().int().positive().optional(),
  })
  .strict();

export const StationConfig = z
  .object({
    centreId: FiveDigits,
    stationId: FiveDigits,
    stationName: z.string().min(1).max(80).default('Balcão'),
    /** Where the database, keys and queued packets live. Relative paths are taken from the config file's folder. */
    dataDir: z.string().min(1),
    mode: z.enum(['desk', 'kiosk', 'digitisation']).default('desk'),
    demo: z.boolean().default(false),
    languages: z.array(Locale).min(1).default(['pt', 'en', 'uk']),
    defaultLanguage: Locale.default('pt'),
    agency: z
      .object({
        url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://intake.example/' }),
        token: z.string().min(1, 'must not be empty'),
        encryptionKey: KeyPath,
        receiptKey: KeyPath,
      })
      .strict(),
    station: z.object({ signingKey: KeyPath }).strict(),
    /** Quality thresholds per modality (app/quality/config.ts; finger default 40, documents per type, signature, face) and retries. */
    quality: QualityConfig.prefault({}),
    /**
     * The enrolment case (app/cases/services.ts, docs/enrolment.md): per-service steps and checklists
     * replacing the defaults (`services.<id>.steps`, `.checklist`, `.identityRequired`), the demographic
     * form's profile, the consent text version, and the agency lookups' timeout.
     */
    cases: CasesConfig.prefault({}),
    /** Upload queue (app/outbox/settings.ts): retention of acknowledged packets, concurrency, chunk size, backoff. */
    outbox: OutboxSettings.default(OutboxSettings.parse({})),
    auth: z
      .object({
        lockout: z
          .object({
            maxFailures: z.number().int().min(1).max(100).default(5),
            seconds: z.number().int().min(1).max(86_400).default(900),
          })
          .strict()
          .default({ maxFailures: 5, seconds: 900 }),
        /** MOSIP warns at 600 s and logs out at 900 s; we keep the same defaults. */
        idle: z
          .object({
            warningSeconds: z.number().int().min(1).default(600),
            logoutSeconds: z.number().int().min(2).default(900),
          })
          .strict()
          .refine((idle) => idle.warningSeconds < idle.logoutSeconds, {
            message: 'warningSeconds must be less than logoutSeconds',
            path: ['warningSeconds'],
          })
          .default({ warningSeconds: 600, logoutSeconds: 900 }),
        passwordMinLength: z.number().int().min(8).max(128).default(10),
      })
      .strict()
      .default({
        lockout: { maxFailures: 5, seconds: 900 },
        idle: { warningSeconds: 600, logoutSeconds: 900 },
        passwordMinLength: 10,
      }),
    ui: z
      .object({
        /** Electron kiosk lockdown: fullscreen, no menu, no devtools, no way out but the app. */
        kiosk: z.boolean().default(false),
      })
      .strict()
      .default({ kiosk: false }),
    devices: z
      .object({
        /** Use the built-in simulators instead of (or besides) real hardware. */
        simulate: z.boolean().default(false),
        list: z.array(DeviceConfig).default([]),
        /**
         * The agency's signed approved-device list (a compact ES256 JWS) and
         * the agency's P-256 public key (PEM, SPKI) that verifies it. Relative
         * paths are taken from the config file's folder.
         */
        approvedList: z.object({ file: KeyPath, publicKey: KeyPath }).strict().optional(),
        /** How often a disconnected device's address is checked for it to come back (DESIGN.md "Devices"). */
        pollIntervalMs: z.number().int().min(50).max(60_000).default(1000),
      })
      .strict()
      .default({ simulate: false, list: [], pollIntervalMs: 1000 }),
  })
  .strict()
  .refine((config) => config.languages.includes(config.defaultLanguage), {
    message: 'defaultLanguage must be one of languages',
    path: ['defaultLanguage'],
  });

export type StationConfig = z.output<typeof StationConfig>;
export type StationConfigInput = z.input<typeof StationConfig>;
