import { closeOnSignals } from '@p2p/kit';
import { loadUsersConfig } from './config.js';
import { createUsersApp } from './app.js';

const config = loadUsersConfig();
const app = createUsersApp(config);
await app.listen(config.USERS_PORT, config.BIND_HOST);
closeOnSignals(() => app.close(), app.log);
