import { closeOnSignals } from '@p2p/kit';
import { loadAuthConfig } from './config.js';
import { createAuthApp } from './app.js';

const config = loadAuthConfig();
const app = createAuthApp(config);
await app.listen(config.AUTH_PORT, config.BIND_HOST);
closeOnSignals(() => app.close(), app.log);
