/**
 * Prints the attribution calibration table (precision/recall per edit kind and depth).
 *   npx tsx scripts/calibrate-attribution.ts [--max-changed 0.5] [--logged 2000] [--per-cell 200] [--seed 42]
 */
import { formatCalibration, runCalibration } from '../lib/ledger/calibration';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

async function main() {
  const maxChanged = arg('max-changed');
  const report = await runCalibration({
    ...(arg('logged') ? { logged: arg('logged')! } : {}),
    ...(arg('per-cell') ? { perCell: arg('per-cell')! } : {}),
    ...(arg('seed') !== undefined ? { seed: arg('seed')! } : {}),
    ...(maxChanged !== undefined ? { thresholds: { maxChangedRatio: maxChanged } } : {}),
  });
  console.log(formatCalibration(report));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
