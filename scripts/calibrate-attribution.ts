/**
 * Prints the attribution calibration tables: the newsroom set (tests/fixtures/calibration/
 * newsroom.json, recall and precision per edit kind, normal and privacy mode) and the synthetic
 * set (per edit kind and depth).
 *   npx tsx scripts/calibrate-attribution.ts [--newsroom | --synthetic] [--privacy] [--max-changed 0.5] [--logged 2000] [--per-cell 200] [--seed 42]
 */
import { readFileSync } from 'node:fs';
import { formatCalibration, runCalibration } from '../lib/ledger/calibration';
import { formatNewsroom, parseNewsroomSet, runNewsroomCalibration } from '../lib/ledger/calibration-newsroom';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

async function main() {
  const maxChanged = arg('max-changed');
  const thresholds = maxChanged !== undefined ? { maxChangedRatio: maxChanged } : {};
  if (!flag('synthetic')) {
    const set = parseNewsroomSet(JSON.parse(readFileSync('tests/fixtures/calibration/newsroom.json', 'utf8')));
    const normal = await runNewsroomCalibration(set, { thresholds });
    const privacy = await runNewsroomCalibration(set, { thresholds, privacy: true });
    console.log(formatNewsroom(normal, privacy), '\n');
  }
  if (!flag('newsroom')) {
    const report = await runCalibration({
      ...(arg('logged') ? { logged: arg('logged')! } : {}),
      ...(arg('per-cell') ? { perCell: arg('per-cell')! } : {}),
      ...(arg('seed') !== undefined ? { seed: arg('seed')! } : {}),
      thresholds,
      privacy: flag('privacy'),
    });
    console.log(formatCalibration(report));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
