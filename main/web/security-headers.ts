import { rendererCsp } from './renderer-files.js';

/**
 * Headers on every page the browser shell serves. The CSP is the Electron
 * shell's, except that the contract travels over a WebSocket to this same
 * origin, so connect-src names it.
 */
export function contentSecurityPolicy(origin: string): string {
  return rendererCsp(`'self' ${origin.replace(/^http/, 'ws')}`);
}

export function securityHeaders(origin: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(origin),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
  };
}
