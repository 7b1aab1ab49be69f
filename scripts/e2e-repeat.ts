/**
 * `npm run test:e2e:repeat -- FILE [RUNS] [--hog]`: runs one end-to-end file RUNS times in a row
 * (default 10) against the current build, without retries, and says how many runs failed. With
 * `--hog`, one busy-looping process runs beside it the whole time (on a 2-core machine, the CI
 * box with one core taken), so waits that only hold on an idle machine show up.
 *
 * Build first (`npm run build:test`): the file runs against `.output/chrome-mv3` as it is.
 * Exits non-zero when any run failed; each failed run's output is kept under `.output/e2e-repeat/`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const args = process.argv.slice(2);
const hog = args.includes('--hog');
const positional = args.filter((arg) => !arg.startsWith('--'));
const file = positional[0];
const runs = Number(positional[1] ?? 10);
if (!file || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: npm run test:e2e:repeat -- tests/e2e/FILE.e2e.ts [RUNS] [--hog]');
  process.exit(2);
}

const logDir = join('.output', 'e2e-repeat');
mkdirSync(logDir, { recursive: true });
const hogProcess = hog ? spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }) : null;
const stopHog = () => hogProcess?.kill('SIGKILL');
process.on('exit', stopHog);

let failed = 0;
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  const result = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.e2e.config.ts', file], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const output = `${result.stdout}${result.stderr}`;
  if (result.status === 0) {
    console.log(`run ${run}/${runs}: passed (${seconds} s)`);
    continue;
  }
  failed++;
  const log = join(logDir, `${basename(file)}.run${run}.log`);
  writeFileSync(log, output);
  const failures = output.split('\n').filter((line) => /^\s*(FAIL|×)/.test(line)).slice(0, 8);
  console.log(`run ${run}/${runs}: FAILED (${seconds} s), output in ${log}\n${failures.join('\n')}`);
}
stopHog();
console.log(`${basename(file)}: ${runs - failed} of ${runs} runs passed${hog ? ' with a CPU hog beside it' : ''}`);
process.exit(failed === 0 ? 0 : 1);
