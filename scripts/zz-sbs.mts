// Side by side: alternate statements on two databases, medians.
import pg from 'pg';
const [, , n = '200', ...pairs] = process.argv;
const specs = pairs.map((p) => { const [db, ...sql] = p.split('|'); return { db, sql }; });
const clients = await Promise.all(specs.map(async (s) => { const c = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:55432/${s.db}` }); await c.connect(); return c; }));
const samples: number[][] = specs.map(() => []);
for (let i = 0; i < Number(n) + 5; i++) {
  for (const [j, s] of specs.entries()) {
    const t = performance.now();
    for (const q of s.sql) await clients[j]!.query(q);
    if (i >= 5) samples[j]!.push(performance.now() - t);
  }
}
const med = (a: number[]) => { const b = [...a].sort((x, y) => x - y); return b[Math.floor(b.length / 2)]!; };
for (const [j, s] of specs.entries()) console.log(`${s.db} ${s.sql.length} stmt: median ${med(samples[j]!).toFixed(2)} ms, p90 ${[...samples[j]!].sort((a,b)=>a-b)[Math.floor(samples[j]!.length*0.9)]!.toFixed(2)}`);
await Promise.all(clients.map((c) => c.end()));
