// Serial image transfer against the wire-time bound, per fingerprint driver, with the link paced at the
// baud rate as a UART would (in-process paced pair; EF01 also over a socat pty, where its simulator paces
// itself and the real serialport binding carries the bytes). Target ≤ 1.03 × the bound.
//
// The bound of one image transfer is (bytes of the image command + every byte of its answer) × 10 / baud
// (8N1: start, 8 data, stop). The time measured runs from the image command being written to the last
// byte of the image arriving, observed on the host's link, so it counts everything the driver and the
// link add. Also: CPU time per image unpaced (driver and simulator in one process), and the frame
// parsers' throughput over buffers of valid frames (target ≥ 50 MB/s).
import { performance } from 'node:perf_hooks';
import { createMemoryLinkPair } from '../drivers/transport/memory-link.js';
import { openSerialLink } from '../drivers/transport/serial-link.js';
import { linkView, wireTimeMs, type ByteLink } from '../drivers/transport/byte-link.js';
import { Ef01Driver } from '../drivers/ef01/driver.js';
import { decodeEf01, encodeDataPacket } from '../drivers/ef01/protocol.js';
import { startEf01Simulator } from '../device-simulators/ef01/simulator.js';
import { runEf01SimulatorOnPty } from '../device-simulators/ef01/run.js';
import { Gt5xxDriver } from '../drivers/gt5xx/driver.js';
import { createDecoder, encodeDataPacket as encodeGtData, IMAGE_BYTES } from '../drivers/gt5xx/protocol.js';
import { startGt5xxSimulator } from '../device-simulators/gt5xx/simulator.js';
import { runGt5xxSimulatorOnPty } from '../device-simulators/gt5xx/run.js';
import { decode3m, decodeDesko, decodeLines, encode3m, encodeDesko, encodeLines } from '../drivers/mrz-reader/framing.js';
import { sampleDocuments, samplePeople, td3 } from '../device-simulators/documents/mrz.js';
import { report } from './support.js';

/** Wraps the host's link: notes when a write matches `isImageCommand`, then counts the bytes that follow until `expected` have arrived. */
function meter(link: ByteLink, isImageCommand: (bytes: Uint8Array) => boolean) {
  let start = 0;
  let commandBytes = 0;
  let received = 0;
  let baud = 0;
  let lastByteAt = 0;
  let armed = false;
  link.onData((chunk) => {
    if (!armed) return;
    received += chunk.length;
    lastByteAt = performance.now();
  });
  const wrapped = linkView(link, {
    async write(data) {
      if (isImageCommand(data)) {
        armed = true;
        start = performance.now();
        commandBytes = data.length;
        received = 0;
        baud = link.baudRate;
      } else armed = false;
      await link.write(data);
    },
  });
  return {
    link: wrapped,
    result: () => ({ ms: lastByteAt - start, wireBytes: commandBytes + received, baud, boundMs: wireTimeMs(commandBytes + received, baud) }),
  };
}

const ef01IsUpImage = (b: Uint8Array) => b.length === 12 && b[6] === 0x01 && b[9] === 0x0a; // PID 01, instruction 0A (devices.md §1)
const gtIsGetImage = (b: Uint8Array) => b.length === 12 && b[0] === 0x55 && b[8] === 0x62 && b[9] === 0x00; // command 0x62 (devices.md §2)

const rows: Record<string, unknown>[] = [];
function row(name: string, r: { ms: number; wireBytes: number; baud: number; boundMs: number }) {
  const ratio = r.ms / r.boundMs;
  rows.push({ name, ...r, ratio });
  console.log(`  ${name.padEnd(44)} ${r.wireBytes} B at ${r.baud} baud: ${r.ms.toFixed(0)} ms, bound ${r.boundMs.toFixed(0)} ms → ${ratio.toFixed(3)}× ${ratio <= 1.03 ? '(within 1.03×)' : '(OVER 1.03×)'}`);
}

console.log('image transfer against the wire-time bound (paced):');

// EF01 in process: factory 57600 baud, and raised to 115200 (N = 12) before the upload.
for (const multiplier of [null, 12] as const) {
  const pair = createMemoryLinkPair({ baudRate: 57600, paced: true, name: 'paced pair' });
  const sim = startEf01Simulator(pair.device, { fingerDelayMs: 10, quality: 'good', seed: 1 });
  const m = meter(pair.host, ef01IsUpImage);
  const driver = new Ef01Driver(m.link, { uploadBaudMultiplier: multiplier, timeoutMs: 3000 });
  await driver.open();
  await driver.capture();
  row(`EF01 in process, upload at ${multiplier === null ? 57600 : 115200}`, m.result());
  driver.close();
  sim.stop();
  await pair.host.close();
}

// EF01 over a socat pty: the simulator paces its own writes; the real serialport binding on both ends.
{
  const sim = await runEf01SimulatorOnPty({ fingerDelayMs: 10, quality: 'good', seed: 2 });
  const link = await openSerialLink(sim.hostPath, 57600);
  const m = meter(link, ef01IsUpImage);
  const driver = new Ef01Driver(m.link, { uploadBaudMultiplier: 12, timeoutMs: 3000 });
  await driver.open();
  await driver.capture();
  row('EF01 over socat pty, upload at 115200', m.result());
  driver.close();
  await link.close();
  await sim.stop();
}

// GT-5xx in process: the driver raises 9600 → 115200 for GetImage.
{
  const pair = createMemoryLinkPair({ baudRate: 9600, paced: true, name: 'paced pair' });
  const sim = startGt5xxSimulator(pair.device, { fingerDelayMs: 10, quality: 'good', seed: 3 });
  const m = meter(pair.host, gtIsGetImage);
  const driver = new Gt5xxDriver(m.link, { transferBaud: 115200 });
  await driver.open();
  await driver.capture();
  row('GT-5xx in process, GetImage at 115200', m.result());
  await driver.close();
  await sim.stop();
}

// GT-5xx over a socat pty: the simulator paces its own writes at the line's speed.
{
  const sim = await runGt5xxSimulatorOnPty({ fingerDelayMs: 10, quality: 'good', seed: 5 });
  const link = await openSerialLink(sim.hostPath, 9600);
  const m = meter(link, gtIsGetImage);
  const driver = new Gt5xxDriver(m.link, { transferBaud: 115200 });
  await driver.open();
  await driver.capture();
  row('GT-5xx over socat pty, GetImage at 115200', m.result());
  await driver.close();
  await sim.stop();
}

// CPU time per image, unpaced (driver and simulator share this process, so both are counted).
console.log('CPU time per image, unpaced, driver + simulator in one process (10 captures each):');
const cpu: Record<string, number> = {};
for (const family of ['EF01', 'GT-5xx'] as const) {
  const pair = createMemoryLinkPair({ baudRate: family === 'EF01' ? 57600 : 9600, name: 'unpaced pair' });
  const driver =
    family === 'EF01'
      ? (startEf01Simulator(pair.device, { fingerDelayMs: 0, seed: 4 }), new Ef01Driver(pair.host, { pollIntervalMs: 1 }))
      : (startGt5xxSimulator(pair.device, { fingerDelayMs: 0, seed: 4 }), new Gt5xxDriver(pair.host, { pollIntervalMs: 1 }));
  await driver.open();
  await driver.capture();
  const before = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < 10; i++) await driver.capture();
  const used = process.cpuUsage(before);
  cpu[family] = (used.user + used.system) / 1000 / 10;
  console.log(`  ${family.padEnd(8)} ${cpu[family]?.toFixed(1)} ms CPU per image (${((performance.now() - wall) / 10).toFixed(1)} ms wall)`);
}

// Parser throughput: decode a buffer of valid frames back to back.
console.log('frame parser throughput (valid frames back to back, ~16 MB each):');
function throughput(name: string, unit: Buffer, decodeAll: (buffer: Buffer) => number) {
  const copies = Math.ceil((16 << 20) / unit.length);
  const buffer = Buffer.concat(Array.from({ length: copies }, () => unit));
  decodeAll(buffer.subarray(0, Math.min(buffer.length, 1 << 20)));
  const t = performance.now();
  const frames = decodeAll(buffer);
  const seconds = (performance.now() - t) / 1000;
  const mbps = buffer.length / 1e6 / seconds;
  console.log(`  ${name.padEnd(32)} ${mbps.toFixed(0)} MB/s (${frames} frames) ${mbps >= 50 ? '' : '(UNDER 50 MB/s)'}`);
  return mbps;
}
function loop<F>(decode: (b: Buffer) => { kind: string; size?: number; frame?: F }) {
  return (buffer: Buffer) => {
    let offset = 0;
    let frames = 0;
    while (offset < buffer.length) {
      const r = decode(buffer.subarray(offset));
      if (r.kind === 'need') break;
      if (r.kind === 'frame') frames++;
      offset += Math.max(1, r.size ?? 1);
    }
    return frames;
  };
}
const parsers: Record<string, number> = {};
parsers.ef01 = throughput('EF01 data packets (128 B)', encodeDataPacket(new Uint8Array(128).fill(0x5a), false), loop(decodeEf01));
const gtImage = encodeGtData(new Uint8Array(IMAGE_BYTES).fill(0x33));
parsers.gt5xx = throughput('GT-5xx GetImage data packet', gtImage, loop(createDecoder({ data: IMAGE_BYTES })));
const passport = td3(samplePeople.portuguese, sampleDocuments.passport);
parsers.desko = throughput('MRZ DESKO frames', encodeDesko(passport), loop((b) => decodeDesko(b)));
parsers['3m'] = throughput('MRZ 3M frames', encode3m(passport), loop((b) => decode3m(b)));
parsers.lines = throughput('MRZ plain lines', encodeLines(passport), loop((b) => decodeLines(b)));

report('serial-transfer', { transfers: rows, cpuMsPerImage: cpu, parserMBps: parsers });
process.exit(0);
