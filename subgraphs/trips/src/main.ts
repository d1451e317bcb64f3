import { closeOnSignals } from '@p2p/kit';
import { loadTripsConfig } from './config.js';
import { createTripsApp } from './app.js';

const config = loadTripsConfig();
const app = createTripsApp(config);
await app.listen(config.TRIPS_PORT, config.BIND_HOST);
closeOnSignals(() => app.close(), app.log);
