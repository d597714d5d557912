'use strict';
// Loads the addon built by build.cjs. Exports { available: true, library, Encryptor } or { available: false, reason }:
// never throws, so a station where it could not be built still seals (with node:crypto).
const path = require('node:path');

function load() {
  let addon;
  try {
    addon = require(path.join(__dirname, 'build', 'Release', 'aes_gcm.node'));
  } catch (error) {
    return { available: false, reason: `the addon is not built (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  if (typeof addon.reason === 'string') return { available: false, reason: addon.reason };
  return { available: true, library: addon.library, Encryptor: addon.Encryptor };
}

module.exports = load();
