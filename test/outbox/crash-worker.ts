/**
 * The station process the crash test kills: it opens the station from a
 * config file (as the CLI does), then seals small synthetic enrolments into
 * the outbox and uploads them, in a loop, until it is killed. It prints
 * "sealed <id>" only after the packet is queued, so every id it printed must
 * reach the agency. Bundled and run by crash.test.ts.
 */
import { loadConfigFile } from '../../app/config/load.js';
import { createLogger, stderrSink } from '../../app/log/logger.js';
import { demoPacketInput, loadSealKeys, sealPacket } from '../../app/packets/index.js';
import { defaultPacketDir } from '../../app/packets/paths.js';
import { openStation } from '../../app/station/station.js';

const [configFile, mode = 'both', seedText = '1'] = process.argv.slice(2);
if (configFile === undefined) throw new Error('usage: crash-worker <config> [seal|upload|both] [seed]');
const config = loadConfigFile(configFile);
const station = await openStation(config, { log: createLogger('crash-worker', stderrSink('error')), outboxWorker: false, devices: false });
const keys = loadSealKeys(config);
const seed = Number(seedText);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  if (mode !== 'upload') {
    const input = await demoPacketInput({ seed: seed * 1000 + i, fingerWidth: 96, fingerHeight: 128, pages: [{ kind: 'id1-card', format: 'png', dpi: 50, type: 'residence-card' }] });
    const sealed = await sealPacket(input, keys, station.db, { outDir: defaultPacketDir(config), centreId: config.centreId, stationId: config.stationId });
    station.outbox.enqueue(sealed);
    process.stdout.write(`sealed ${sealed.packetId}\n`);
  }
  if (mode !== 'seal') await station.outbox.flush({ deadlineMs: 1500 });
}
