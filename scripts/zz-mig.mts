import { applyMigrations } from './lib/migrate';
console.log(await applyMigrations(process.argv[2]!, { before: process.argv[3] }));
