export { startGateway, type RunningGateway } from './app.js';
export { loadGatewayConfig, type GatewayConfig } from './config.js';
export { accessTokenVerifier } from './access-tokens.js';
