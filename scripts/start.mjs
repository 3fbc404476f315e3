// `npm start`: parse the configuration from the environment, start the API + web app, print the URL
// (and the API key, the one time it is created). Bad configuration stops here with a clear message.
import { register } from 'tsx/esm/api';

register();
const { loadConfig, ConfigError } = await import('../server/config.ts');
const { startServer } = await import('../server/start.ts');

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`berthwatch: ${e.message}`);
    process.exit(2);
  }
  throw e;
}

let server;
try {
  server = await startServer({ dataDir: config.dataDir, config });
} catch (e) {
  const err = /** @type {Error & {code?: string}} */ (e);
  if (err.code === 'EADDRINUSE') console.error(`berthwatch: port ${config.port} is in use; set PORT to another port`);
  else if (['EACCES', 'EPERM', 'ENOTDIR', 'EROFS', 'ENOENT'].includes(err.code ?? '')) {
    console.error(`berthwatch: cannot use the data dir ${config.dataDir} (BERTHWATCH_DATA_DIR): ${err.message}`);
  } else console.error(err);
  process.exit(1);
}

console.log(`Berthwatch listening on ${server.url}  (data: ${config.dataDir})`);
console.log(`  API reference: ${server.url}/api/docs`);
if (server.createdKey) {
  console.log(`  Created an API key (stored in ${config.dataDir}/api-key; shown once):\n  ${server.apiKey}`);
}

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await server.close();
    process.exit(0);
  });
}
