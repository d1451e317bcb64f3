import { closeOnSignals } from '@p2p/kit';
import { loadDeliveriesConfig } from './config.js';
import { createDeliveriesApp } from './app.js';

const config = loadDeliveriesConfig();
const app = createDeliveriesApp(config);
await app.listen(config.DELIVERIES_PORT, config.BIND_HOST);
closeOnSignals(() => app.close(), app.log);
