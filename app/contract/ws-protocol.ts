/**
 * How the browser shell's WebSocket bridge is reached. The per-launch token
 * travels in the URL fragment of the printed address (never sent to a server
 * or written to an access log); the UI then offers it as a WebSocket
 * subprotocol, which the bridge checks before accepting the upgrade.
 */
export const wsPath = '/contract';
export const wsProtocol = 'balcao.contract.v1';
export const tokenProtocolPrefix = 'balcao.token.';
export const tokenFragmentKey = 'token';
/** The preload exposes the contract on window under this name. */
export const preloadGlobal = 'balcao';
