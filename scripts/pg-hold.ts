import { startEmbeddedPostgres } from './lib/embedded-postgres';
const db = await startEmbeddedPostgres({ dataDir: '.data/postgres', port: 54329, persistent: true, database: 'dashboard' });
console.log(db.url);
process.on('SIGTERM', () => { db.stop().then(() => process.exit(0)); });
setInterval(() => {}, 1 << 30);
