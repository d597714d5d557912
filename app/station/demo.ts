import type { Role } from '../contract/channels.js';

/** The demo profile's accounts; the login screen says so when the station runs with --demo. */
export const demoPassword = 'balcao-demo';
export const demoAccounts: { username: string; displayName: string; role: Role; password: string }[] = [
  { username: 'ana', displayName: 'Ana Ferreira', role: 'operator', password: demoPassword },
  { username: 'rui', displayName: 'Rui Costa', role: 'supervisor', password: demoPassword },
  { username: 'admin', displayName: 'Administrador', role: 'admin', password: demoPassword },
];
