/**
 * eSCL ("AirScan", Mopria eSCL Scan Technical Specification 2.x): the XML
 * documents a network scanner and its client exchange over plain HTTP
 * (devices.md §4 "eSCL"). Pure: parse and build only; ./driver.ts does the
 * HTTP. Element names and namespaces follow the Mopria specification and
 * what sane-airscan (alexpevzner/sane-airscan, airscan-escl.c) sends and
 * reads, which is what real devices are tested against:
 *   scan: http://schemas.hp.com/imaging/escl/2011/05/03
 *   pwg:  http://www.pwg.org/schemas/2010/12/sm (PWG 5100.17 Semantic Model)
 * Parsing drops the prefixes (devices are free to choose their own) and
 * checks the shape with zod; anything else is a DeviceError 'protocol'.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { DeviceError } from '../errors.js';

export const ESCL_NS = 'http://schemas.hp.com/imaging/escl/2011/05/03';
export const PWG_NS = 'http://www.pwg.org/schemas/2010/12/sm';

/** eSCL geometry is in 1/300 inch ("escl:ThreeHundredthsOfInches", the only ContentRegionUnits devices support). */
export const UNITS_PER_INCH = 300;
export const mmToThreeHundredths = (mm: number) => Math.round((mm / 25.4) * UNITS_PER_INCH);
export const threeHundredthsToMm = (units: number) => (units / UNITS_PER_INCH) * 25.4;

/** Colour modes (Mopria eSCL §ColorMode; sane-airscan maps BlackAndWhite1/Grayscale8/RGB24 to lineart/grey/colour). */
export const esclColorModes = ['RGB24', 'Grayscale8', 'BlackAndWhite1', 'RGB48', 'Grayscale16'] as const;
export type EsclColorMode = (typeof esclColorModes)[number];
export const esclInputSources = ['Platen', 'Feeder', 'Camera'] as const;
export type EsclInputSource = (typeof esclInputSources)[number];

/** A scan region in 1/300 inch from the top-left corner of the glass or sheet. */
export interface EsclRegion {
  xOffset: number;
  yOffset: number;
  width: number;
  height: number;
}

export interface EsclScanSettings {
  /** pwg:Version; 2.0 as sane-airscan sends (devices accept it from 2.0 up). */
  version?: string;
  inputSource: EsclInputSource;
  colorMode: EsclColorMode;
  /** MIME type: 'image/jpeg' (every device), 'image/png', 'application/pdf'. */
  documentFormat: string;
  xResolution: number;
  yResolution: number;
  region?: EsclRegion;
  /** Feeder only (sane-airscan sends scan:Duplex only for the ADF). */
  duplex?: boolean;
  /** scan:Intent: Document, TextAndGraphic, Photo, Preview… */
  intent?: string;
  /** Also send scan:DocumentFormatExt (eSCL 2.1+; some devices honour only this one). Default true. */
  documentFormatExt?: boolean;
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' } as const)[c as '<']};`);
const el = (name: string, value: string | number) => `<${name}>${typeof value === 'number' ? String(value) : escapeXml(value)}</${name}>`;
const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const ROOT_NS = `xmlns:scan="${ESCL_NS}" xmlns:pwg="${PWG_NS}"`;

function checkSettings(s: EsclScanSettings): void {
  for (const [name, v] of [['xResolution', s.xResolution], ['yResolution', s.yResolution]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`eSCL ${name} must be a positive whole number of dpi, got ${v}.`);
  }
  if (s.region) {
    for (const [name, v] of Object.entries(s.region)) if (!Number.isInteger(v) || v < 0) throw new RangeError(`eSCL region ${name} must be a whole number ≥ 0 of 1/300 inch, got ${v}.`);
  }
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(s.documentFormat)) throw new RangeError(`"${s.documentFormat}" is not a MIME type.`);
}

/** POST /eSCL/ScanJobs body: scan:ScanSettings, elements in the order sane-airscan sends them. */
export function buildScanSettings(s: EsclScanSettings): string {
  checkSettings(s);
  const parts = [XML_DECL, `<scan:ScanSettings ${ROOT_NS}>`, el('pwg:Version', s.version ?? '2.0')];
  if (s.intent) parts.push(el('scan:Intent', s.intent));
  if (s.region) {
    parts.push(
      '<pwg:ScanRegions>',
      '<pwg:ScanRegion>',
      el('pwg:ContentRegionUnits', 'escl:ThreeHundredthsOfInches'),
      el('pwg:XOffset', s.region.xOffset),
      el('pwg:YOffset', s.region.yOffset),
      el('pwg:Width', s.region.width),
      el('pwg:Height', s.region.height),
      '</pwg:ScanRegion>',
      '</pwg:ScanRegions>',
    );
  }
  parts.push(el('pwg:InputSource', s.inputSource), el('scan:ColorMode', s.colorMode), el('pwg:DocumentFormat', s.documentFormat));
  if (s.documentFormatExt ?? true) parts.push(el('scan:DocumentFormatExt', s.documentFormat));
  parts.push(el('scan:XResolution', s.xResolution), el('scan:YResolution', s.yResolution));
  if (s.inputSource === 'Feeder' && s.duplex !== undefined) parts.push(el('scan:Duplex', s.duplex ? 'true' : 'false'));
  parts.push('</scan:ScanSettings>');
  return parts.join('');
}

// ---------- parsing ----------

/** Elements that may repeat, so that one occurrence still parses as a list. */
const REPEATED = new Set(['ColorMode', 'DocumentFormat', 'DocumentFormatExt', 'DiscreteResolution', 'SettingProfile', 'JobInfo', 'JobStateReason', 'Intent', 'ScanRegion', 'AdfOption', 'ColorSpace', 'CcdChannel', 'BinaryRendering', 'SupportedIntent']);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name) => REPEATED.has(name),
});

/** Devices answer a few kB; anything above this is not an eSCL document. */
const MAX_XML_CHARS = 1_000_000;

/** Parses XML into plain objects (prefixes dropped); malformed → DeviceError 'protocol' naming `what`. */
export function parseXml(xml: string, what: string): Record<string, unknown> {
  if (xml.length > MAX_XML_CHARS) throw new DeviceError('protocol', `The ${what} document is ${xml.length} characters long, more than an eSCL document can be.`);
  // No DOCTYPE: eSCL documents have none, and refusing it rules out entity-expansion tricks.
  if (/<!DOCTYPE/i.test(xml)) throw new DeviceError('protocol', `The ${what} document has a DOCTYPE, which eSCL documents never have.`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new DeviceError('protocol', `The ${what} document is not well-formed XML (line ${valid.err.line}: ${valid.err.msg}).`);
  try {
    const doc: unknown = parser.parse(xml);
    if (typeof doc !== 'object' || doc === null) throw new Error('no root element');
    return doc as Record<string, unknown>;
  } catch (error) {
    throw new DeviceError('protocol', `The ${what} document could not be parsed (${(error as Error).message}).`);
  }
}

const text = z.union([z.string(), z.number()]).transform(String);
const uint = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v)))
  .pipe(z.number().int().nonnegative().max(2 ** 31));
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** An element present but empty parses as '' — treat that as absent for containers. */
const container = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? {} : v), schema);
const list = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === undefined ? [] : v), z.array(schema));

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'root';
    throw new DeviceError('protocol', `The ${what} document does not have the eSCL shape (${where}: ${issue?.message ?? 'invalid'}).`);
  }
  return result.data;
}

// ScannerCapabilities (Mopria eSCL §ScannerCapabilities; airscan-escl.c escl_devcaps_parse).

const resolutionPair = z.object({ XResolution: uint, YResolution: uint });
const range = z.object({ Min: uint, Max: uint, Normal: uint.optional(), Step: uint.optional() });
const settingProfile = container(
  z.object({
    ColorModes: container(z.object({ ColorMode: list(text) })).optional(),
    DocumentFormats: container(z.object({ DocumentFormat: list(text), DocumentFormatExt: list(text) })).optional(),
    SupportedResolutions: container(
      z.object({
        DiscreteResolutions: container(z.object({ DiscreteResolution: list(resolutionPair) })).optional(),
        ResolutionRange: container(z.object({ XResolutionRange: range.optional(), YResolutionRange: range.optional() })).optional(),
      }),
    ).optional(),
  }),
);
const inputCapsSchema = container(
  z.object({
    MinWidth: uint,
    MaxWidth: uint,
    MinHeight: uint,
    MaxHeight: uint,
    MaxScanRegions: uint.optional(),
    MaxOpticalXResolution: uint.optional(),
    MaxOpticalYResolution: uint.optional(),
    SettingProfiles: container(z.object({ SettingProfile: list(settingProfile) })),
    SupportedIntents: container(z.object({ Intent: list(text), SupportedIntent: list(text) })).optional(),
  }),
);
const capabilitiesSchema = z.object({
  ScannerCapabilities: container(
    z.object({
      Version: text.optional(),
      MakeAndModel: text.optional(),
      Manufacturer: text.optional(),
      ModelName: text.optional(),
      SerialNumber: text.optional(),
      UUID: text.optional(),
      AdminURI: text.optional(),
      IconURI: text.optional(),
      Platen: container(z.object({ PlatenInputCaps: inputCapsSchema.optional() })).optional(),
      Adf: container(
        z.object({
          AdfSimplexInputCaps: inputCapsSchema.optional(),
          AdfDuplexInputCaps: inputCapsSchema.optional(),
          FeederCapacity: uint.optional(),
          AdfOptions: container(z.object({ AdfOption: list(text) })).optional(),
        }),
      ).optional(),
    }),
  ),
});

export interface EsclInputCaps {
  /** 1/300 inch. */
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  maxScanRegions: number | null;
  colorModes: string[];
  /** MIME types, from pwg:DocumentFormat and scan:DocumentFormatExt. */
  documentFormats: string[];
  /** Discrete X=Y resolutions in dpi, ascending (pairs with X≠Y are skipped, as sane-airscan does). */
  resolutions: number[];
  /** A range, where the device gives one instead of (or besides) discrete values. */
  resolutionRange: { min: number; max: number; step: number } | null;
  intents: string[];
}

export interface EsclCapabilities {
  version: string | null;
  makeAndModel: string;
  /** Best guess at the maker (sane-airscan: MakeAndModel minus ModelName, or its first word). */
  make: string;
  model: string;
  serialNumber: string | null;
  uuid: string | null;
  adminUri: string | null;
  platen: EsclInputCaps | null;
  adfSimplex: EsclInputCaps | null;
  adfDuplex: EsclInputCaps | null;
  feederCapacity: number | null;
  adfOptions: string[];
}

function inputCaps(raw: z.infer<typeof inputCapsSchema>, where: string): EsclInputCaps {
  if (raw.MinWidth > raw.MaxWidth || raw.MinHeight > raw.MaxHeight) throw new DeviceError('protocol', `The ScannerCapabilities document gives ${where} a minimum size above its maximum.`);
  const colorModes = new Set<string>();
  const formats = new Set<string>();
  const resolutions = new Set<number>();
  let resolutionRange: EsclInputCaps['resolutionRange'] = null;
  for (const profile of raw.SettingProfiles.SettingProfile) {
    for (const m of profile.ColorModes?.ColorMode ?? []) colorModes.add(m);
    for (const f of [...(profile.DocumentFormats?.DocumentFormat ?? []), ...(profile.DocumentFormats?.DocumentFormatExt ?? [])]) formats.add(f.toLowerCase());
    for (const r of profile.SupportedResolutions?.DiscreteResolutions?.DiscreteResolution ?? []) if (r.XResolution === r.YResolution && r.XResolution > 0) resolutions.add(r.XResolution);
    const x = profile.SupportedResolutions?.ResolutionRange?.XResolutionRange;
    if (x) {
      if (x.Min > x.Max) throw new DeviceError('protocol', `The ScannerCapabilities document gives ${where} a resolution range whose minimum is above its maximum.`);
      resolutionRange = { min: x.Min, max: x.Max, step: x.Step && x.Step > 0 ? x.Step : 1 };
    }
  }
  if (colorModes.size === 0) throw new DeviceError('protocol', `The ScannerCapabilities document lists no colour mode for ${where}.`);
  if (resolutions.size === 0 && resolutionRange === null) throw new DeviceError('protocol', `The ScannerCapabilities document lists no resolution for ${where}.`);
  return {
    minWidth: raw.MinWidth,
    maxWidth: raw.MaxWidth,
    minHeight: raw.MinHeight,
    maxHeight: raw.MaxHeight,
    maxScanRegions: raw.MaxScanRegions ?? null,
    colorModes: [...colorModes],
    documentFormats: [...formats],
    resolutions: [...resolutions].sort((a, b) => a - b),
    resolutionRange,
    intents: [...(raw.SupportedIntents?.Intent ?? []), ...(raw.SupportedIntents?.SupportedIntent ?? [])],
  };
}

/** GET /eSCL/ScannerCapabilities → what the scanner can do. */
export function parseCapabilities(xml: string): EsclCapabilities {
  const doc = parseXml(xml, 'ScannerCapabilities');
  if (!('ScannerCapabilities' in doc)) throw new DeviceError('protocol', 'The ScannerCapabilities document has no scan:ScannerCapabilities root element.');
  const raw = check(capabilitiesSchema, doc, 'ScannerCapabilities').ScannerCapabilities;
  const platen = raw.Platen?.PlatenInputCaps ? inputCaps(raw.Platen.PlatenInputCaps, 'the platen') : null;
  const adfSimplex = raw.Adf?.AdfSimplexInputCaps ? inputCaps(raw.Adf.AdfSimplexInputCaps, 'the feeder (simplex)') : null;
  const adfDuplex = raw.Adf?.AdfDuplexInputCaps ? inputCaps(raw.Adf.AdfDuplexInputCaps, 'the feeder (duplex)') : null;
  if (!platen && !adfSimplex && !adfDuplex) throw new DeviceError('protocol', 'The ScannerCapabilities document describes neither a platen nor a document feeder.');
  const makeAndModel = raw.MakeAndModel ?? [raw.Manufacturer, raw.ModelName].filter(Boolean).join(' ');
  let make = raw.Manufacturer ?? '';
  let model = raw.ModelName ?? makeAndModel;
  if (!make) {
    if (raw.ModelName && makeAndModel.endsWith(raw.ModelName) && makeAndModel.length > raw.ModelName.length) make = makeAndModel.slice(0, -raw.ModelName.length).trim();
    else {
      const space = makeAndModel.indexOf(' ');
      make = space > 0 ? makeAndModel.slice(0, space) : makeAndModel;
      if (!raw.ModelName) model = space > 0 ? makeAndModel.slice(space + 1) : makeAndModel;
    }
  }
  return {
    version: raw.Version ?? null,
    makeAndModel,
    make: make || 'unknown',
    model: model || 'eSCL scanner',
    serialNumber: raw.SerialNumber ?? null,
    uuid: raw.UUID ?? null,
    adminUri: raw.AdminURI ?? null,
    platen,
    adfSimplex,
    adfDuplex,
    feederCapacity: raw.Adf?.FeederCapacity ?? null,
    adfOptions: raw.Adf?.AdfOptions?.AdfOption ?? [],
  };
}

// ScannerStatus (Mopria eSCL §ScannerStatus; pwg:State from PWG 5100.17; airscan-escl.c escl_decode_scanner_status).

/** pwg:State of the scan service (PWG 5108.x ScannerState: Idle, Processing, Testing, Stopped, Down). */
export const esclScannerStates = ['Idle', 'Processing', 'Testing', 'Stopped', 'Down'] as const;
export type EsclScannerState = (typeof esclScannerStates)[number];
/** pwg:JobState (PWG 5100.17 JobState as eSCL uses it). */
export const esclJobStates = ['Pending', 'Processing', 'Completed', 'Canceled', 'Aborted'] as const;
export type EsclJobState = (typeof esclJobStates)[number];
/** scan:AdfState values seen in the Mopria spec and sane-airscan (ScannerAdfLoaded, …Jam, …Empty, …). */
export const esclAdfJamStates = ['ScannerAdfJam', 'ScannerAdfMispick', 'ScannerAdfMultipickDetected'];

const jobInfoSchema = z.object({
  JobUri: text,
  JobUuid: text.optional(),
  Age: uint.optional(),
  ImagesCompleted: uint.optional(),
  ImagesToTransfer: uint.optional(),
  JobState: z.enum(esclJobStates),
  JobStateReasons: container(z.object({ JobStateReason: list(text) })).optional(),
});
const statusSchema = z.object({
  ScannerStatus: container(
    z.object({
      Version: text.optional(),
      State: z.enum(esclScannerStates),
      AdfState: text.optional(),
      Jobs: container(z.object({ JobInfo: list(jobInfoSchema) })).optional(),
    }),
  ),
});

export interface EsclJobInfo {
  jobUri: string;
  jobUuid: string | null;
  age: number | null;
  imagesCompleted: number | null;
  imagesToTransfer: number | null;
  jobState: EsclJobState;
  jobStateReasons: string[];
}

export interface EsclStatus {
  version: string | null;
  state: EsclScannerState;
  adfState: string | null;
  jobs: EsclJobInfo[];
}

/** GET /eSCL/ScannerStatus → the scanner's state and its jobs. */
export function parseStatus(xml: string): EsclStatus {
  const doc = parseXml(xml, 'ScannerStatus');
  if (!('ScannerStatus' in doc)) throw new DeviceError('protocol', 'The ScannerStatus document has no scan:ScannerStatus root element.');
  const raw = check(statusSchema, doc, 'ScannerStatus').ScannerStatus;
  return {
    version: raw.Version ?? null,
    state: raw.State,
    adfState: raw.AdfState ?? null,
    jobs: (raw.Jobs?.JobInfo ?? []).map((j) => ({
      jobUri: j.JobUri,
      jobUuid: j.JobUuid ?? null,
      age: j.Age ?? null,
      imagesCompleted: j.ImagesCompleted ?? null,
      imagesToTransfer: j.ImagesToTransfer ?? null,
      jobState: j.JobState,
      jobStateReasons: j.JobStateReasons?.JobStateReason ?? [],
    })),
  };
}

// ScanSettings, read back (the simulator validates what a client posts).

const scanSettingsSchema = z.object({
  ScanSettings: z.object({
    Version: text,
    Intent: list(text).optional(),
    ScanRegions: container(
      z.object({
        ScanRegion: list(
          z.object({ ContentRegionUnits: z.literal('escl:ThreeHundredthsOfInches').optional(), XOffset: uint.optional(), YOffset: uint.optional(), Width: uint, Height: uint }),
        ),
      }),
    ).optional(),
    InputSource: z.enum(esclInputSources).optional(),
    ColorMode: list(z.enum(esclColorModes)).optional(),
    DocumentFormat: list(text).optional(),
    DocumentFormatExt: list(text).optional(),
    XResolution: uint.optional(),
    YResolution: uint.optional(),
    Duplex: bool.optional(),
  }),
});

/** A posted scan:ScanSettings (defaults where the client left fields out: Platen, RGB24, image/jpeg, 300 dpi). */
export function parseScanSettings(xml: string): EsclScanSettings {
  const doc = parseXml(xml, 'ScanSettings');
  if (!('ScanSettings' in doc)) throw new DeviceError('protocol', 'The ScanSettings document has no scan:ScanSettings root element.');
  const raw = check(scanSettingsSchema, doc, 'ScanSettings').ScanSettings;
  const region = raw.ScanRegions?.ScanRegion[0];
  const format = raw.DocumentFormatExt?.[0] ?? raw.DocumentFormat?.[0] ?? 'image/jpeg';
  return {
    version: raw.Version,
    inputSource: raw.InputSource ?? 'Platen',
    colorMode: raw.ColorMode?.[0] ?? 'RGB24',
    documentFormat: format,
    xResolution: raw.XResolution ?? 300,
    yResolution: raw.YResolution ?? raw.XResolution ?? 300,
    ...(region ? { region: { xOffset: region.XOffset ?? 0, yOffset: region.YOffset ?? 0, width: region.Width, height: region.Height } } : {}),
    ...(raw.Duplex !== undefined ? { duplex: raw.Duplex } : {}),
    ...(raw.Intent?.[0] ? { intent: raw.Intent[0] } : {}),
  };
}

// ---------- building device-side documents (for the simulator and golden tests) ----------

export interface EsclInputCapsSpec {
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  colorModes: readonly string[];
  documentFormats: readonly string[];
  resolutions: readonly number[];
  intents?: readonly string[];
}

export interface EsclCapabilitiesSpec {
  makeAndModel: string;
  serialNumber: string;
  uuid: string;
  adminUri?: string;
  version?: string;
  platen?: EsclInputCapsSpec;
  adf?: EsclInputCapsSpec & { feederCapacity?: number; duplex?: boolean };
}

function inputCapsXml(c: EsclInputCapsSpec): string {
  return [
    el('scan:MinWidth', c.minWidth),
    el('scan:MaxWidth', c.maxWidth),
    el('scan:MinHeight', c.minHeight),
    el('scan:MaxHeight', c.maxHeight),
    el('scan:MaxScanRegions', 1),
    '<scan:SettingProfiles><scan:SettingProfile>',
    `<scan:ColorModes>${c.colorModes.map((m) => el('scan:ColorMode', m)).join('')}</scan:ColorModes>`,
    `<scan:DocumentFormats>${c.documentFormats.map((f) => el('pwg:DocumentFormat', f) + el('scan:DocumentFormatExt', f)).join('')}</scan:DocumentFormats>`,
    '<scan:SupportedResolutions><scan:DiscreteResolutions>',
    c.resolutions.map((r) => `<scan:DiscreteResolution>${el('scan:XResolution', r)}${el('scan:YResolution', r)}</scan:DiscreteResolution>`).join(''),
    '</scan:DiscreteResolutions></scan:SupportedResolutions>',
    '</scan:SettingProfile></scan:SettingProfiles>',
    c.intents?.length ? `<scan:SupportedIntents>${c.intents.map((i) => el('scan:Intent', i)).join('')}</scan:SupportedIntents>` : '',
  ].join('');
}

export function buildCapabilities(spec: EsclCapabilitiesSpec): string {
  const parts = [XML_DECL, `<scan:ScannerCapabilities ${ROOT_NS}>`, el('pwg:Version', spec.version ?? '2.63'), el('pwg:MakeAndModel', spec.makeAndModel), el('pwg:SerialNumber', spec.serialNumber), el('scan:UUID', spec.uuid)];
  if (spec.adminUri) parts.push(el('scan:AdminURI', spec.adminUri));
  if (spec.platen) parts.push(`<scan:Platen><scan:PlatenInputCaps>${inputCapsXml(spec.platen)}</scan:PlatenInputCaps></scan:Platen>`);
  if (spec.adf) {
    parts.push('<scan:Adf>', `<scan:AdfSimplexInputCaps>${inputCapsXml(spec.adf)}</scan:AdfSimplexInputCaps>`);
    if (spec.adf.duplex) parts.push(`<scan:AdfDuplexInputCaps>${inputCapsXml(spec.adf)}</scan:AdfDuplexInputCaps>`);
    if (spec.adf.feederCapacity !== undefined) parts.push(el('scan:FeederCapacity', spec.adf.feederCapacity));
    parts.push('<scan:AdfOptions><scan:AdfOption>DetectPaperLoaded</scan:AdfOption></scan:AdfOptions>', '</scan:Adf>');
  }
  parts.push('</scan:ScannerCapabilities>');
  return parts.join('');
}

export function buildStatus(status: { state: EsclScannerState; adfState?: string | null; jobs: Array<Omit<EsclJobInfo, 'age' | 'jobUuid'> & { jobUuid?: string | null; age?: number | null }> }): string {
  const jobs = status.jobs.map((j) =>
    [
      '<scan:JobInfo>',
      el('pwg:JobUri', j.jobUri),
      j.jobUuid ? el('pwg:JobUuid', j.jobUuid) : '',
      j.age !== undefined && j.age !== null ? el('scan:Age', j.age) : '',
      j.imagesCompleted !== null ? el('pwg:ImagesCompleted', j.imagesCompleted) : '',
      j.imagesToTransfer !== null ? el('pwg:ImagesToTransfer', j.imagesToTransfer) : '',
      el('pwg:JobState', j.jobState),
      `<pwg:JobStateReasons>${j.jobStateReasons.map((r) => el('pwg:JobStateReason', r)).join('')}</pwg:JobStateReasons>`,
      '</scan:JobInfo>',
    ].join(''),
  );
  return [
    XML_DECL,
    `<scan:ScannerStatus ${ROOT_NS}>`,
    el('pwg:Version', '2.0'),
    el('pwg:State', status.state),
    status.adfState ? el('scan:AdfState', status.adfState) : '',
    `<scan:Jobs>${jobs.join('')}</scan:Jobs>`,
    '</scan:ScannerStatus>',
  ].join('');
}
