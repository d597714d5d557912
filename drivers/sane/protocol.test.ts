import { describe, expect, it } from 'vitest';
import { createPrng } from '../../device-simulators/random.js';
import { DeviceError } from '../errors.js';
import { LIST_FORMAT, LIST_SEPARATOR, SaneStatus, buildScanArgs, lastMessage, mapScanimageFailure, parseDeviceList, parseFormattedDeviceList, parseSourceOption, pickSource, scannedPages } from './protocol.js';
import { parsePnmHeader } from './driver.js';

describe('scanimage arguments (scanimage(1))', () => {
  it('builds the golden argument list for a typical scan', () => {
    expect(buildScanArgs({ device: 'test:0', mode: 'Gray', resolution: 300, format: 'png' })).toEqual(['--device-name', 'test:0', '--mode', 'Gray', '--resolution', '300', '--format=png']);
  });

  it('adds source, region in mm, backend options and batch output', () => {
    const args = buildScanArgs(
      { device: 'escl:http://10.0.0.5:80', mode: 'Color', resolution: 150, format: 'jpeg', source: 'Automatic Document Feeder', region: { left: 0, top: 5.5, width: 210, height: 297 }, extra: { 'test-picture': 'Color pattern', 'read-limit': true, brightness: -10 } },
      { kind: 'batch', pattern: '/tmp/x/page-%d.jpeg', count: 4 },
    );
    expect(args).toEqual([
      '--device-name', 'escl:http://10.0.0.5:80',
      '--mode', 'Color',
      '--resolution', '150',
      '--format=jpeg',
      '--source', 'Automatic Document Feeder',
      '-l', '0', '-t', '5.5', '-x', '210', '-y', '297',
      '--test-picture=Color pattern',
      '--read-limit=yes',
      '--brightness=-10',
      '--batch=/tmp/x/page-%d.jpeg',
      '--batch-count=4',
    ]);
  });

  it('defaults to PNG and leaves out what was not asked for', () => {
    expect(buildScanArgs({ device: 'hpaio:/usb/x' })).toEqual(['--device-name', 'hpaio:/usb/x', '--format=png']);
  });

  it('refuses settings that could not be meant', () => {
    expect(() => buildScanArgs({ device: '-L' })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: '' })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', resolution: 0 })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', resolution: 150.5 })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', region: { left: 0, top: 0, width: 0, height: 10 } })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', region: { left: -1, top: 0, width: 5, height: 10 } })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', extra: { 'output-file': '/etc/passwd' } })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', extra: { '-x': 1 } })).toThrow(RangeError);
    expect(() => buildScanArgs({ device: 'test', extra: { 'a b': 1 } })).toThrow(RangeError);
  });
});

describe('device lists', () => {
  it('uses a separator that appears in the format', () => {
    expect(LIST_FORMAT).toBe('%d\x1f%v\x1f%m\x1f%t%n');
  });

  it('parses the formatted list (scanimage -f) exactly', () => {
    const text = `test:0${LIST_SEPARATOR}Noname${LIST_SEPARATOR}frontend-tester${LIST_SEPARATOR}virtual device\nescl:http://192.168.1.20:80${LIST_SEPARATOR}HP${LIST_SEPARATOR}OfficeJet Pro 9010 series${LIST_SEPARATOR}flatbed scanner\n\ngarbage line\n`;
    expect(parseFormattedDeviceList(text)).toEqual([
      { name: 'test:0', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' },
      { name: 'escl:http://192.168.1.20:80', vendor: 'HP', model: 'OfficeJet Pro 9010 series', type: 'flatbed scanner' },
    ]);
  });

  it('parses scanimage -L output (as measured with sane-backends 1.1.1)', () => {
    const text = "device `test:0' is a Noname frontend-tester virtual device\ndevice `test:1' is a Noname frontend-tester virtual device\ndevice `airscan:e0:Canon TS5300 series' is a eSCL Canon TS5300 series ip=192.168.1.7 flatbed scanner\n";
    expect(parseDeviceList(text)).toEqual([
      { name: 'test:0', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' },
      { name: 'test:1', vendor: 'Noname', model: 'frontend-tester', type: 'virtual device' },
      { name: 'airscan:e0:Canon TS5300 series', vendor: 'eSCL', model: 'Canon TS5300 series ip=192.168.1.7', type: 'flatbed scanner' },
    ]);
  });

  it('reads "no scanners" as an empty list', () => {
    const text = '\nNo scanners were identified. If you were expecting something different,\ncheck that the scanner is plugged in, turned on and detected by the\nsane-find-scanner tool (if appropriate).\n';
    expect(parseDeviceList(text)).toEqual([]);
    expect(parseFormattedDeviceList(text)).toEqual([]);
  });
});

describe('scanimage failures → DeviceError (stderr as printed by sane-backends 1.1.1)', () => {
  const map = (exitCode: number, stderr: string) => mapScanimageFailure({ exitCode, stderr, command: 'scanimage -d test', device: 'test:0', what: 'scanning from test:0 at 300 dpi' });
  const vectors: Array<[number, string, string, RegExp, number | undefined]> = [
    [1, 'scanimage: open of device nosuch failed: Invalid argument\n', 'not_found', /SANE has no device test:0/, 1],
    [6, 'scanimage: sane_read: Document feeder jammed\n', 'refused', /jammed/, SaneStatus.JAMMED],
    [7, 'scanimage: sane_read: Document feeder out of documents\n', 'refused', /out of documents/, SaneStatus.NO_DOCS],
    [3, 'scanimage: sane_read: Device busy\n', 'busy', /busy/, SaneStatus.DEVICE_BUSY],
    [8, 'scanimage: sane_read: Scanner cover is open\n', 'refused', /cover .* is open/, SaneStatus.COVER_OPEN],
    [9, 'scanimage: sane_read: Error during device I/O\n', 'disconnected', /I\/O error/, SaneStatus.IO_ERROR],
    [1, 'scanimage: option --resolution: bad option value (rest of option: abc)\n', 'refused', /invalid argument/, SaneStatus.INVAL],
    [1, "scanimage: unrecognized option '--bogus'\n", 'refused', /invalid argument/, SaneStatus.INVAL],
    [1, 'scanimage: setting of option --mode failed (Invalid argument)\n', 'refused', /invalid argument/, SaneStatus.INVAL],
    [11, 'scanimage: sane_start: Access to resource has been denied\n', 'refused', /denied/, SaneStatus.ACCESS_DENIED],
    [2, 'scanimage: sane_read: Operation was cancelled\n', 'cancelled', /cancelled/, SaneStatus.CANCELLED],
    [6, '', 'refused', /jammed/, SaneStatus.JAMMED],
    [42, 'something odd\n', 'protocol', /exit status 42/, 42],
  ];
  for (const [exit, stderr, code, message, deviceCode] of vectors) {
    it(`${JSON.stringify(stderr.trim() || `exit ${exit}`)} → ${code}`, () => {
      const error = map(exit, stderr);
      expect(error).toBeInstanceOf(DeviceError);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/scanning from test:0 at 300 dpi/);
      expect(error.deviceCode).toBe(deviceCode);
    });
  }

  it('quotes the last scanimage line and counts batch pages', () => {
    const stderr = 'Scanning page 1\nScanned page 1. (scanner status = 5)\nScanning page 2\nScanned page 2. (scanner status = 5)\nScanning page 3\nscanimage: sane_start: Document feeder out of documents\nBatch terminated, 2 pages scanned\n';
    expect(lastMessage(stderr)).toBe('sane_start: Document feeder out of documents');
    expect(scannedPages(stderr)).toBe(2);
  });
});

describe('source names (scanimage -A)', () => {
  it('reads the --source values and picks platen and feeder', () => {
    const help = "  Scan Mode:\n    --mode Gray|Color [Gray]\n    --source Flatbed|Automatic Document Feeder [Flatbed]\n        If Automatic Document Feeder is selected, the feeder will be 'empty'\n";
    const source = parseSourceOption(help);
    expect(source).toEqual({ values: ['Flatbed', 'Automatic Document Feeder'], current: 'Flatbed' });
    expect(pickSource(source?.values ?? [], 'platen')).toBe('Flatbed');
    expect(pickSource(source?.values ?? [], 'feeder')).toBe('Automatic Document Feeder');
    expect(pickSource(['ADF Back', 'ADF Front', 'ADF Duplex'], 'feeder')).toBe('ADF Front');
    expect(pickSource(['ADF Front'], 'platen')).toBeNull();
    expect(parseSourceOption('    --mode Gray|Color [Gray]\n')).toBeNull();
  });
});

describe('PNM header (netpbm(5))', () => {
  it('reads P4/P5/P6 sizes, with comments', () => {
    expect(parsePnmHeader(Buffer.from('P5\n# SANE data follows\n236 295\n255\n\0\0'))).toEqual({ width: 236, height: 295, channels: 1 });
    expect(parsePnmHeader(Buffer.from('P6 10 20 255\n'))).toEqual({ width: 10, height: 20, channels: 3 });
    expect(parsePnmHeader(Buffer.from('P4\n8 8\n'))).toEqual({ width: 8, height: 8, channels: 1 });
    expect(parsePnmHeader(Buffer.from('\x89PNG'))).toBeNull();
  });
});

describe('device list parser fuzz', () => {
  it('survives 100 000 random and mutated lists', () => {
    const seed = Number(process.env.SANE_FUZZ_SEED ?? Date.now() % 2 ** 31);
    console.log(`SANE list fuzz seed: ${seed}`);
    const random = createPrng(seed);
    const int = (n: number) => Math.floor(random() * n);
    const S = LIST_SEPARATOR;
    const goldens = [
      `test:0${S}Noname${S}frontend-tester${S}virtual device\ntest:1${S}Noname${S}frontend-tester${S}virtual device\n`,
      "device `test:0' is a Noname frontend-tester virtual device\ndevice `test:1' is a Noname frontend-tester virtual device\n",
      "device `escl:https://192.168.0.9:443' is a HP OfficeJet 8020 series flatbed scanner\n",
      `hpaio:/usb/Deskjet_2540?serial=CN43${S}Hewlett-Packard${S}Deskjet_2540_series${S}all-in-one\n`,
      'No scanners were identified.\n',
    ];
    const alphabet = "`' :/\n\x1f\0abcXYZ09-_?=.é日\r\t";
    let devices = 0;
    try {
      for (let i = 0; i < 100_000; i++) {
        let text: string;
        if (i % 3 === 0) {
          text = Array.from({ length: int(120) }, () => alphabet[int(alphabet.length)]).join('');
        } else {
          const chars = [...(goldens[int(goldens.length)] as string)];
          for (let k = 0, n = 1 + int(4); k < n; k++) {
            const at = int(chars.length + 1);
            const op = int(3);
            if (op === 0) chars.splice(at, 1);
            else if (op === 1) chars.splice(at, 0, alphabet[int(alphabet.length)] as string);
            else chars[at] = alphabet[int(alphabet.length)] as string;
          }
          text = chars.join('');
          if (random() < 0.2) text = text.slice(0, int(text.length + 1));
        }
        for (const list of [parseFormattedDeviceList(text), parseDeviceList(text)]) {
          for (const d of list) {
            if (typeof d.name !== 'string' || d.name.length === 0 || typeof d.vendor !== 'string' || typeof d.model !== 'string' || typeof d.type !== 'string') throw new Error(`bad device from ${JSON.stringify(text)}`);
            devices++;
          }
        }
      }
    } catch (error) {
      throw new Error(`fuzz failed with seed ${seed}: ${(error as Error).message}`);
    }
    expect(devices).toBeGreaterThan(10_000);
  });
});
