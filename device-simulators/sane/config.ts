import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Balcão's simulated scanner is SANE's own `test` backend (sane-test(5)),
 * which Debian's sane-utils ships but /etc/sane.d/dll.conf leaves commented
 * out. This module writes a small SANE configuration folder that turns it on.
 *
 * Why a dll.d entry and not a dll.conf: the dll backend reads only the FIRST
 * dll.conf and the FIRST dll.d directory it finds along SANE_CONFIG_DIR
 * (sane-dll(5); dll.c read_dlld/read_config). With SANE_CONFIG_DIR set to
 * "<folder>:" (trailing colon = then ., then /etc/sane.d), our folder
 * supplies dll.d (adding `test`) and has no dll.conf, so /etc/sane.d/dll.conf
 * is still read and every real backend it lists (net, escl, …) stays.
 * Checked on sane-backends 1.1.1 with SANE_DEBUG_DLL=4. The cost: entries in
 * the system's own /etc/sane.d/dll.d (airscan, hpaio) are hidden while
 * simulating.
 *
 * The folder is written at run time (not shipped as files beside this
 * module) because the CLI and the app are bundled: there is no source folder
 * next to the running code to point SANE at.
 */
const dllEntry = 'test\n';

/**
 * test.conf: the backend's documented defaults (sane-test(5)) except the
 * picture, a 10 mm black/white grid instead of solid black, so a scan has edges.
 */
const testConf = `number_of_devices 2
mode Gray
depth 8
hand-scanner false
three-pass false
three-pass-order RGB
resolution_min 1.0
resolution_max 1200.0
resolution_quant 1.0
resolution 50.0
test-picture "Grid"
invert-endianess false
read-limit false
read-limit-size 1
read-delay false
read-delay-duration 1000
read-status-code "Default"
fuzzy-parameters false
ppl-loss 0
non-blocking false
select-fd false
enable-test-options false
geometry_min 0.0
geometry_max 200.0
geometry_quant 1.0
tl_x 0.0
tl_y 0.0
br_x 80.0
br_y 100.0
`;

function writeIfChanged(file: string, content: string): void {
  try {
    if (readFileSync(file, 'utf8') === content) return;
  } catch {
    // missing: written below
  }
  writeFileSync(file, content, { mode: 0o644 });
}

/** The folder that turns on SANE's `test` backend, written (once per user, kept up to date) under the OS temp dir. */
export function saneSimulatorConfigDir(): string {
  const dir = path.join(os.tmpdir(), `balcao-sane-${os.userInfo().uid}`);
  mkdirSync(path.join(dir, 'dll.d'), { recursive: true, mode: 0o755 });
  writeIfChanged(path.join(dir, 'dll.d', 'balcao-test'), dllEntry);
  writeIfChanged(path.join(dir, 'test.conf'), testConf);
  return dir;
}

/**
 * SANE_CONFIG_DIR for simulated mode: the folder above first, then — because
 * of the trailing ':' (sane-dll(5), ENVIRONMENT) — the default directories
 * (., /etc/sane.d), so real backends stay visible next to test:0 and test:1.
 */
export function saneSimulatorConfigPath(): string {
  return `${saneSimulatorConfigDir()}:`;
}
