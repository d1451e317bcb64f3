import { closeOnSignals } from '@p2p/kit';
import { loadPaymentsConfig } from './config.js';
import { createPaymentsApp } from './app.js';

const config = loadPaymentsConfig();
const app = createPaymentsApp(config);
await app.listen(config.PAYMENTS_PORT, config.BIND_HOST);
closeOnSignals(() => app.close(), app.log);
