/**
 * The names `balcao device capture --driver` takes, for its help text. Kept
 * apart from device-capture.ts (which holds the drivers themselves) so that
 * the CLI does not load sharp and serialport to describe the option;
 * fingerprint-driver-names.test.ts checks the two agree.
 */
export const fingerprintDriverNames = ['r30x', 'gt5xx'] as const;
