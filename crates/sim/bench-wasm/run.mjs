// Runs the wasm32 build of the benchmark under node (see run.sh): for each "REPLICAS:WORKERS"
// argument, boots the cluster, then times the Deployment until every pod is Running with
// performance.now(); then checks the cross-target determinism hash.
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { Session } from "node:inspector";
import { writeFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const dir = process.env.BENCH_WASM_DIR;
const bench = require(`${dir}/bench_wasm.js`);

// BENCH_GROWTH=plain measures dlmalloc's own growth (64 KiB steps, each a slow memory.grow).
const plain = process.env.BENCH_GROWTH === "plain";
bench.set_geometric_growth(!plain);
const args = process.argv.slice(2);
const given = args.filter((a) => /^\d+:\d+$/.test(a));
for (const a of args.filter((a) => a !== "--check-only" && !given.includes(a))) {
  console.error(`ignoring ${a}: cases are REPLICAS:WORKERS`);
}
// BENCH_CPU_PROFILE=FILE writes a V8 CPU profile of the timed runs only (not boot or reset).
const profileFile = process.env.BENCH_CPU_PROFILE;
const inspector = profileFile ? new Session() : null;
const post = (method, params) =>
  new Promise((resolve, reject) =>
    inspector.post(method, params, (err, res) => (err ? reject(err) : resolve(res))),
  );
if (inspector) {
  inspector.connect();
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 200 });
}
const cases = args.includes("--check-only") ? [] : given.length ? given : ["1000:100", "10000:1000"];
for (const c of cases) {
  const [replicas, workers] = c.split(":").map(Number);
  const reserve = Number(process.env.RESERVE_HEAP_MIB || 0);
  if (reserve > 0) bench.reserve_heap(reserve);
  let t = performance.now();
  bench.boot(workers);
  const boot = (performance.now() - t) / 1000;
  const heapBefore = bench.memory_bytes();
  const live = () => (bench.live_heap_bytes ? bench.live_heap_bytes() : NaN);
  const liveBefore = live();
  if (inspector) await post("Profiler.start");
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const steps = bench.run(replicas);
  const wall = (performance.now() - t) / 1000;
  if (inspector) {
    const { profile } = await post("Profiler.stop");
    writeFileSync(`${profileFile}.${c.replace(":", "-")}.cpuprofile`, JSON.stringify(profile));
  }
  // CPU time too: on a busy machine it is steadier than wall time.
  const used = process.cpuUsage(cpu0);
  const cpu = (used.user + used.system) / 1e6;
  // The wasm memory only grows: its size bounds the heap the run needed.
  const heapAfter = bench.memory_bytes();
  const liveAfter = live();
  const writes = bench.writes();
  bench.reset();
  console.log(
    `wasm (${plain ? "plain" : "geometric"} heap growth): boot ${workers} workers: ${boot.toFixed(3)}s; ${replicas} replicas Running after ` +
      `${steps} steps of 5s: ${wall.toFixed(3)}s wall (${cpu.toFixed(3)}s cpu), ${(replicas / wall).toFixed(0)} pods/s, ` +
      `${writes} writes; live heap ${((liveAfter - liveBefore) / replicas).toFixed(0)} bytes/pod ` +
      `(wasm memory grew ${((heapAfter - heapBefore) / replicas).toFixed(0)} bytes/pod)`,
  );
}

const got = bench.determinism_hash();
const want = bench.expected_determinism_hash();
console.log(`wasm determinism hash: ${got} (expected ${want})`);
if (got !== want) {
  console.error("FAIL: the wasm32 build diverges from the native one");
  process.exit(1);
}
