import { closeOnSignals, createLogger } from '@p2p/kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './app.js';

const config = loadGatewayConfig();
const gateway = await startGateway({ config });
closeOnSignals(() => gateway.close(), createLogger('gateway', config.LOG_LEVEL));
