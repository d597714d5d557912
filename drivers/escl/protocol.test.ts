import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { DeviceError, isDeviceError } from '../errors.js';
import {
  buildCapabilities,
  buildScanSettings,
  buildStatus,
  mmToThreeHundredths,
  parseCapabilities,
  parseScanSettings,
  parseStatus,
  threeHundredthsToMm,
  type EsclCapabilitiesSpec,
} from './protocol.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** Golden ScanSettings: the elements, namespaces and order sane-airscan's escl_scan_query sends (A4 colour, 300 dpi, JPEG). */
const GOLDEN_SETTINGS =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<scan:ScanSettings xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm">' +
  '<pwg:Version>2.0</pwg:Version>' +
  '<pwg:ScanRegions><pwg:ScanRegion>' +
  '<pwg:ContentRegionUnits>escl:ThreeHundredthsOfInches</pwg:ContentRegionUnits>' +
  '<pwg:XOffset>0</pwg:XOffset><pwg:YOffset>0</pwg:YOffset><pwg:Width>2480</pwg:Width><pwg:Height>3508</pwg:Height>' +
  '</pwg:ScanRegion></pwg:ScanRegions>' +
  '<pwg:InputSource>Platen</pwg:InputSource>' +
  '<scan:ColorMode>RGB24</scan:ColorMode>' +
  '<pwg:DocumentFormat>image/jpeg</pwg:DocumentFormat>' +
  '<scan:DocumentFormatExt>image/jpeg</scan:DocumentFormatExt>' +
  '<scan:XResolution>300</scan:XResolution><scan:YResolution>300</scan:YResolution>' +
  '</scan:ScanSettings>';

describe('ScanSettings (POST /eSCL/ScanJobs)', () => {
  it('converts millimetres to three-hundredths of an inch', () => {
    expect(mmToThreeHundredths(210)).toBe(2480);
    expect(mmToThreeHundredths(297)).toBe(3508);
    expect(mmToThreeHundredths(25.4)).toBe(300);
    expect(threeHundredthsToMm(300)).toBeCloseTo(25.4, 10);
  });

  it('builds the golden document', () => {
    const xml = buildScanSettings({ inputSource: 'Platen', colorMode: 'RGB24', documentFormat: 'image/jpeg', xResolution: 300, yResolution: 300, region: { xOffset: 0, yOffset: 0, width: mmToThreeHundredths(210), height: mmToThreeHundredths(297) } });
    expect(xml).toBe(GOLDEN_SETTINGS);
  });

  it('adds Duplex for the feeder only, Intent when asked, and can leave out DocumentFormatExt', () => {
    const feeder = buildScanSettings({ inputSource: 'Feeder', colorMode: 'Grayscale8', documentFormat: 'image/png', xResolution: 150, yResolution: 150, duplex: false, intent: 'Document', documentFormatExt: false });
    expect(feeder).toContain('<scan:Intent>Document</scan:Intent>');
    expect(feeder).toContain('<pwg:InputSource>Feeder</pwg:InputSource><scan:ColorMode>Grayscale8</scan:ColorMode><pwg:DocumentFormat>image/png</pwg:DocumentFormat><scan:XResolution>150</scan:XResolution>');
    expect(feeder).toContain('<scan:Duplex>false</scan:Duplex>');
    expect(feeder).not.toContain('DocumentFormatExt');
    expect(feeder).not.toContain('ScanRegions');
    const platen = buildScanSettings({ inputSource: 'Platen', colorMode: 'RGB24', documentFormat: 'image/jpeg', xResolution: 75, yResolution: 75, duplex: true });
    expect(platen).not.toContain('Duplex');
  });

  it('round-trips through the parser the simulator uses', () => {
    expect(parseScanSettings(GOLDEN_SETTINGS)).toEqual({ version: '2.0', inputSource: 'Platen', colorMode: 'RGB24', documentFormat: 'image/jpeg', xResolution: 300, yResolution: 300, region: { xOffset: 0, yOffset: 0, width: 2480, height: 3508 } });
  });

  it('refuses impossible settings before anything is sent', () => {
    const base = { inputSource: 'Platen', colorMode: 'RGB24', documentFormat: 'image/jpeg', xResolution: 300, yResolution: 300 } as const;
    expect(() => buildScanSettings({ ...base, xResolution: 0 })).toThrow(RangeError);
    expect(() => buildScanSettings({ ...base, region: { xOffset: -1, yOffset: 0, width: 10, height: 10 } })).toThrow(RangeError);
    expect(() => buildScanSettings({ ...base, documentFormat: 'jpeg<x>' })).toThrow(RangeError);
  });

  it('rejects posted settings that are not eSCL', () => {
    for (const bad of ['<x/>', '<scan:ScanSettings><pwg:InputSource>Scanner</pwg:InputSource></scan:ScanSettings>', GOLDEN_SETTINGS.replace('<pwg:Version>2.0</pwg:Version>', ''), GOLDEN_SETTINGS.replace('300</scan:XResolution>', 'many</scan:XResolution>'), 'not xml']) {
      expect(() => parseScanSettings(bad)).toThrow(DeviceError);
    }
  });
});

describe('ScannerCapabilities', () => {
  it('parses a multi-function printer’s capabilities (both sources, range and discrete resolutions)', () => {
    const caps = parseCapabilities(fixture('capabilities-mfp.xml'));
    expect(caps).toMatchObject({ version: '2.63', makeAndModel: 'Acme OfficeScan 7740 series', make: 'Acme', model: 'OfficeScan 7740 series', serialNumber: 'CN98K3F0QZ', uuid: '1c852a4d-b800-1f08-abcd-0123456789ab', feederCapacity: 35, adfDuplex: null });
    expect(caps.adfOptions).toEqual(['DetectPaperLoaded', 'SelectSinglePage']);
    expect(caps.platen).toEqual({
      minWidth: 8,
      maxWidth: 2550,
      minHeight: 8,
      maxHeight: 3508,
      maxScanRegions: 1,
      colorModes: ['BlackAndWhite1', 'Grayscale8', 'RGB24'],
      documentFormats: ['application/pdf', 'image/jpeg'],
      // 600×1200 is not square: skipped, as sane-airscan does.
      resolutions: [75, 200, 300],
      resolutionRange: null,
      intents: ['Document', 'TextAndGraphic', 'Photo', 'Preview'],
    });
    expect(caps.adfSimplex).toMatchObject({ minWidth: 600, maxHeight: 4200, colorModes: ['Grayscale8', 'RGB24'], documentFormats: ['image/jpeg'], resolutions: [], resolutionRange: { min: 100, max: 300, step: 100 } });
  });

  it('round-trips what the simulator builds', () => {
    const input = { minWidth: 16, maxWidth: 2550, minHeight: 16, maxHeight: 3508, colorModes: ['RGB24', 'Grayscale8'], documentFormats: ['image/jpeg', 'image/png'], resolutions: [300, 75, 150] };
    const spec: EsclCapabilitiesSpec = { makeAndModel: 'Balcão SimScan 2', serialNumber: 'SIM-1', uuid: 'u-1', platen: input, adf: { ...input, feederCapacity: 50, duplex: true } };
    const caps = parseCapabilities(buildCapabilities(spec));
    expect(caps.make).toBe('Balcão');
    expect(caps.model).toBe('SimScan 2');
    expect(caps.platen?.resolutions).toEqual([75, 150, 300]);
    expect(caps.adfDuplex?.documentFormats).toEqual(['image/jpeg', 'image/png']);
    expect(caps.feederCapacity).toBe(50);
  });

  it('accepts other namespace prefixes (only the local names matter)', () => {
    const xml = fixture('capabilities-mfp.xml').replace(/scan:/g, 's:').replace(/pwg:/g, 'p:').replace('xmlns:s=', 'xmlns:s=').replace(/xmlns:scan=/, 'xmlns:s=');
    expect(parseCapabilities(xml).serialNumber).toBe('CN98K3F0QZ');
  });

  it('rejects malformed and non-eSCL documents with a protocol error', () => {
    const good = fixture('capabilities-mfp.xml');
    const cases = [
      '',
      'garbage',
      '<scan:ScannerCapabilities xmlns:scan="x"><pwg:Version>2.63</pwg:Vers',
      good.replace('</scan:Platen>', ''),
      '<html><body>Login</body></html>',
      good.replace(/<scan:Platen>[\s\S]*<\/scan:Adf>/, ''),
      good.replace('<scan:MaxWidth>2550</scan:MaxWidth>', '<scan:MaxWidth>wide</scan:MaxWidth>'),
      good.replace('<scan:MinWidth>8</scan:MinWidth>', '<scan:MinWidth>9000</scan:MinWidth>'),
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><scan:ScannerCapabilities>&lol;</scan:ScannerCapabilities>',
    ];
    for (const xml of cases) {
      let error: unknown;
      try {
        parseCapabilities(xml);
      } catch (e) {
        error = e;
      }
      expect(isDeviceError(error, 'protocol'), `${xml.slice(0, 60)} → ${String(error)}`).toBe(true);
    }
  });
});

describe('ScannerStatus', () => {
  it('parses state, feeder state and jobs', () => {
    expect(parseStatus(fixture('status-jobs.xml'))).toEqual({
      version: '2.63',
      state: 'Processing',
      adfState: 'ScannerAdfLoaded',
      jobs: [
        { jobUri: '/eSCL/ScanJobs/7a3ef2b0-1f00-4c3c-8e12-0bb2b2f1a001', jobUuid: '7a3ef2b0-1f00-4c3c-8e12-0bb2b2f1a001', age: 3, imagesCompleted: 1, imagesToTransfer: 2, jobState: 'Processing', jobStateReasons: ['JobScanning'] },
        { jobUri: '/eSCL/ScanJobs/0d1c', jobUuid: '0d1c', age: 120, imagesCompleted: 0, imagesToTransfer: null, jobState: 'Aborted', jobStateReasons: ['JobCanceledByDevice', 'ErrorsDetected'] },
      ],
    });
  });

  it('parses an idle scanner with no jobs (empty and absent Jobs)', () => {
    const idle = '<scan:ScannerStatus xmlns:scan="http://schemas.hp.com/imaging/escl/2011/05/03" xmlns:pwg="http://www.pwg.org/schemas/2010/12/sm"><pwg:Version>2.0</pwg:Version><pwg:State>Idle</pwg:State><scan:Jobs/></scan:ScannerStatus>';
    expect(parseStatus(idle)).toEqual({ version: '2.0', state: 'Idle', adfState: null, jobs: [] });
    expect(parseStatus(idle.replace('<scan:Jobs/>', '')).jobs).toEqual([]);
  });

  it('round-trips what the simulator builds', () => {
    const xml = buildStatus({ state: 'Idle', adfState: 'ScannerAdfJam', jobs: [{ jobUri: '/eSCL/ScanJobs/1', imagesCompleted: 0, imagesToTransfer: 0, jobState: 'Aborted', jobStateReasons: ['JobCanceledByDevice'] }] });
    expect(parseStatus(xml)).toMatchObject({ state: 'Idle', adfState: 'ScannerAdfJam', jobs: [{ jobUri: '/eSCL/ScanJobs/1', jobState: 'Aborted', jobStateReasons: ['JobCanceledByDevice'] }] });
  });

  it('rejects unknown states and malformed documents', () => {
    const good = fixture('status-jobs.xml');
    for (const xml of [good.replace('<pwg:State>Processing</pwg:State>', '<pwg:State>Asleep</pwg:State>'), good.replace('</scan:Jobs>', ''), good.replace('<pwg:JobState>Aborted</pwg:JobState>', ''), '<scan:ScannerCapabilities/>']) {
      expect(() => parseStatus(xml)).toThrow(DeviceError);
    }
  });
});

/**
 * Fuzz: a few hundred golden documents (fixtures plus documents built from
 * seeded random specs), mutated cheaply (byte edits, truncation, tag
 * splices, duplication), plus random tag soup. Every input must parse or
 * fail with a DeviceError; nothing else may escape.
 */
function fuzz(name: string, parse: (xml: string) => unknown, goldens: string[], seed: number, kind: 'structure' | 'edits', count = 50_000): { parsed: number; rejected: number } {
  const random = createPrng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pieces = ['<', '>', '</', '/>', '<scan:', '<pwg:', '&amp;', '&', '"', "'", '=', '<![CDATA[', ']]>', '<!--', '-->', '<?xml', '?>', '\0', 'é', '-1', '99999999999', ' ', '\n'];
  let parsed = 0;
  let rejected = 0;
  // Stack traces are not needed for the ~95 000 expected rejections, and capturing them is a large share of the time.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
  for (let i = 0; i < count; i++) {
    let xml: string;
    // 'structure': tag soup, truncations, cut or doubled stretches; 'edits': one to four small edits.
    const mode = kind === 'structure' ? i % 3 : 3;
    if (mode === 0) {
      // Tag soup.
      xml = Array.from({ length: int(30) }, () => pieces[int(pieces.length)]).join('');
    } else {
      const golden = goldens[int(goldens.length)] as string;
      if (mode === 1) {
        xml = golden.slice(0, int(golden.length));
      } else if (mode === 2) {
        // Cut a tag out or duplicate a stretch.
        const a = int(golden.length);
        const b = Math.min(golden.length, a + int(200));
        xml = random() < 0.5 ? golden.slice(0, a) + golden.slice(b) : golden.slice(0, b) + golden.slice(a, b) + golden.slice(b);
      } else {
        // One to four small edits: replace, insert or delete at random places.
        xml = golden;
        for (let k = 0, n = 1 + int(4); k < n; k++) {
          const at = int(xml.length);
          const op = int(3);
          const piece = random() < 0.5 ? (pieces[int(pieces.length)] as string) : String.fromCharCode(32 + int(95));
          xml = op === 0 ? xml.slice(0, at) + piece + xml.slice(at + 1) : op === 1 ? xml.slice(0, at) + piece + xml.slice(at) : xml.slice(0, at) + xml.slice(at + 1 + int(8));
        }
      }
    }
    try {
      parse(xml);
      parsed++;
    } catch (error) {
      if (!(error instanceof DeviceError) || error.code !== 'protocol') throw new Error(`${name} fuzz (seed ${seed}) let through ${String(error)} for ${JSON.stringify(xml.slice(0, 300))}`);
      rejected++;
    }
  }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { parsed, rejected };
}

/** Small capabilities documents (one source, a few values each): cheap to mutate and parse, so 100 000 fit in a few seconds. */
function randomCapabilities(random: () => number): string {
  const int = (n: number) => Math.floor(random() * n);
  const input = () => ({
    minWidth: int(50),
    maxWidth: 100 + int(3000),
    minHeight: int(50),
    maxHeight: 100 + int(4000),
    colorModes: random() < 0.5 ? ['RGB24'] : ['Grayscale8', 'RGB24'],
    documentFormats: [random() < 0.7 ? 'image/jpeg' : 'image/png'],
    resolutions: random() < 0.5 ? [300] : [150, 300],
  });
  const feeder = random() < 0.3;
  return buildCapabilities({ makeAndModel: `M ${int(100)}`, serialNumber: `S${int(1e3)}`, uuid: `u${int(1e3)}`, platen: feeder ? undefined : input(), adf: feeder ? { ...input(), feederCapacity: int(100) } : undefined, version: '2.0' });
}

describe('eSCL XML parser fuzz (100 000 inputs per parser, in two halves)', () => {
  const seed = Number(process.env.ESCL_FUZZ_SEED ?? Date.now() % 2 ** 31);
  const random = createPrng(seed);
  const capabilities = [fixture('capabilities-mfp.xml'), ...Array.from({ length: 300 }, () => randomCapabilities(random))];
  const states = ['Idle', 'Processing', 'Stopped', 'Testing'] as const;
  const jobStates = ['Pending', 'Processing', 'Completed', 'Canceled', 'Aborted'] as const;
  const statuses = [
    fixture('status-jobs.xml'),
    ...Array.from({ length: 300 }, (_, i) =>
      buildStatus({
        state: states[i % 4] as (typeof states)[number],
        adfState: random() < 0.5 ? 'ScannerAdfLoaded' : null,
        jobs: Array.from({ length: Math.floor(random() * 3) }, (_, j) => ({ jobUri: `/eSCL/ScanJobs/${i}-${j}`, imagesCompleted: j, imagesToTransfer: random() < 0.5 ? null : 1, jobState: jobStates[(i + j) % 5] as (typeof jobStates)[number], jobStateReasons: ['JobScanning'] })),
      }),
    ),
  ];
  const settings = Array.from({ length: 300 }, (_, i) =>
    buildScanSettings({ inputSource: i % 2 ? 'Feeder' : 'Platen', colorMode: i % 3 ? 'RGB24' : 'Grayscale8', documentFormat: i % 5 ? 'image/jpeg' : 'image/png', xResolution: 75 + i, yResolution: 75 + i, duplex: i % 7 === 0, region: i % 4 ? { xOffset: i, yOffset: 0, width: 2000 + i, height: 3000 } : undefined }),
  );
  const parsers = [
    ['ScannerCapabilities', parseCapabilities, capabilities],
    ['ScannerStatus', parseStatus, statuses],
    ['ScanSettings (the simulator’s parser)', parseScanSettings, settings],
  ] as const;

  for (const [index, [name, parse, goldens]] of parsers.entries()) {
    for (const kind of ['structure', 'edits'] as const) {
      it(`${name} survives 50 000 ${kind === 'structure' ? 'random and structurally broken' : 'edited'} documents`, () => {
        console.log(`eSCL ${name} fuzz (${kind}) seed: ${seed}`);
        const { parsed, rejected } = fuzz(name, parse, goldens, seed + index * 2 + (kind === 'edits' ? 1 : 0), kind);
        expect(parsed + rejected).toBe(50_000);
        expect(rejected).toBeGreaterThan(5_000);
        // Edits that land in text or values leave many documents valid: the accepting path is exercised too.
        if (kind === 'edits') expect(parsed).toBeGreaterThan(500);
      });
    }
  }
});
