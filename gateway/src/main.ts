import cluster from 'node:cluster';
import { closeOnSignals, createLogger } from '@p2p/kit';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './app.js';

const config = loadGatewayConfig();
const log = createLogger('gateway', config.LOG_LEVEL);

/** GATEWAY_WORKERS > 1: a primary that forks that many gateways sharing the port (node:cluster). */
function runPrimary(workers: number): void {
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    log.error({ pid: worker.process.pid, code }, 'a gateway worker exited; stopping');
    process.exit(1);
  });
  closeOnSignals(async () => {
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(running.map((w) => new Promise((done) => (w.once('exit', done), w.kill('SIGTERM')))));
  }, log);
}

if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) runPrimary(config.GATEWAY_WORKERS);
else {
  const gateway = await startGateway({ config });
  closeOnSignals(() => gateway.close(), log);
}
