import { describe, expect, it } from 'vitest';
import {
  NoUsableDtypeError,
  chooseRuntime,
  dtypeProblem,
  fallbackAfterWebgpuFailure,
  type RuntimeInput,
  type WebGpuInfo,
} from '../../lib/engine/capabilities';
import type { Dtype } from '../../lib/engine/catalogue';

const ALL: Dtype[] = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'];
const NO_Q8: Dtype[] = ['fp32', 'fp16', 'q4', 'q4f16'];
const F16: WebGpuInfo = { features: ['shader-f16', 'timestamp-query'], adapterInfo: { vendor: 'nvidia', architecture: 'ampere' } };
const PLAIN: WebGpuInfo = { features: ['timestamp-query'] };
const SOFTWARE: WebGpuInfo = { features: ['shader-f16'], adapterInfo: { vendor: 'google', isFallbackAdapter: true } };

describe('chooseRuntime', () => {
  const cases: Array<[string, RuntimeInput, { device: string; dtype: Dtype; refused: number }]> = [
    ['WebGPU with shader-f16 → q4f16', { webgpu: F16, availableDtypes: ALL }, { device: 'webgpu', dtype: 'q4f16', refused: 0 }],
    ['WebGPU without shader-f16 → q4', { webgpu: PLAIN, availableDtypes: ALL }, { device: 'webgpu', dtype: 'q4', refused: 0 }],
    ['no WebGPU → WASM q8', { webgpu: null, availableDtypes: ALL }, { device: 'wasm', dtype: 'q8', refused: 0 }],
    ['no WebGPU, no q8 → WASM q4', { webgpu: null, availableDtypes: NO_Q8 }, { device: 'wasm', dtype: 'q4', refused: 0 }],
    ['software adapter → WASM', { webgpu: SOFTWARE, availableDtypes: ALL }, { device: 'wasm', dtype: 'q8', refused: 0 }],
    [
      'software adapter forced → WebGPU',
      { webgpu: SOFTWARE, availableDtypes: ALL, override: { device: 'webgpu' } },
      { device: 'webgpu', dtype: 'q4f16', refused: 0 },
    ],
    ['model without q4f16 on f16 GPU → q4', { webgpu: F16, availableDtypes: ['fp32', 'q8', 'q4'] }, { device: 'webgpu', dtype: 'q4', refused: 0 }],
    ['only fp16, GPU without f16 → WASM fp16', { webgpu: PLAIN, availableDtypes: ['fp16'] }, { device: 'wasm', dtype: 'fp16', refused: 0 }],
    ['forced WASM', { webgpu: F16, availableDtypes: ALL, override: { device: 'wasm' } }, { device: 'wasm', dtype: 'q8', refused: 0 }],
    ['forced dtype honoured', { webgpu: F16, availableDtypes: ALL, override: { dtype: 'fp16' } }, { device: 'webgpu', dtype: 'fp16', refused: 0 }],
    [
      'q4f16 without shader-f16 refused',
      { webgpu: PLAIN, availableDtypes: ALL, override: { dtype: 'q4f16' } },
      { device: 'webgpu', dtype: 'q4', refused: 1 },
    ],
    [
      'q4f16 on WASM refused',
      { webgpu: null, availableDtypes: ALL, override: { dtype: 'q4f16' } },
      { device: 'wasm', dtype: 'q8', refused: 1 },
    ],
    [
      'WebGPU forced without WebGPU refused',
      { webgpu: null, availableDtypes: ALL, override: { device: 'webgpu' } },
      { device: 'wasm', dtype: 'q8', refused: 1 },
    ],
    [
      'dtype the model lacks refused',
      { webgpu: null, availableDtypes: NO_Q8, override: { dtype: 'q8' } },
      { device: 'wasm', dtype: 'q4', refused: 1 },
    ],
    [
      'both overrides impossible',
      { webgpu: null, availableDtypes: ALL, override: { device: 'webgpu', dtype: 'q4f16' } },
      { device: 'wasm', dtype: 'q8', refused: 2 },
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    const choice = chooseRuntime(input);
    expect({ device: choice.device, dtype: choice.dtype, refused: choice.refused.length }).toEqual(expected);
    expect(choice.reason.length).toBeGreaterThan(10);
    expect(choice.reason).toContain(choice.dtype);
  });

  it('explains a refusal in the reason', () => {
    const choice = chooseRuntime({ webgpu: PLAIN, availableDtypes: ALL, override: { dtype: 'q4f16' } });
    expect(choice.reason).toMatch(/shader-f16/);
    expect(choice.refused[0]).toMatch(/q4f16 refused/);
  });

  it('names the adapter', () => {
    expect(chooseRuntime({ webgpu: F16, availableDtypes: ALL }).reason).toMatch(/nvidia ampere/);
  });

  it('throws when no dtype is listed', () => {
    expect(() => chooseRuntime({ webgpu: F16, availableDtypes: [] })).toThrow(NoUsableDtypeError);
  });

  it('throws when nothing the model has can run anywhere', () => {
    expect(() => chooseRuntime({ webgpu: null, availableDtypes: ['q4f16'] })).toThrow(NoUsableDtypeError);
  });

  it.each([
    ['webgpu', 'q4f16', PLAIN, true],
    ['webgpu', 'fp16', PLAIN, true],
    ['webgpu', 'q4f16', F16, false],
    ['wasm', 'q4f16', null, true],
    ['wasm', 'q8', null, false],
    ['webgpu', 'q4', null, true],
  ] as const)('dtypeProblem(%s, %s) is a problem: %s', (device, dtype, gpu, problem) => {
    expect(dtypeProblem(device, dtype, gpu) !== null).toBe(problem);
  });
});

describe('fallbackAfterWebgpuFailure', () => {
  it('moves q4f16 to the best WASM dtype', () => {
    const gpu = chooseRuntime({ webgpu: F16, availableDtypes: ALL });
    const next = fallbackAfterWebgpuFailure(gpu, ALL, new Error('device lost'));
    expect(next).toMatchObject({ device: 'wasm', dtype: 'q8' });
    expect(next.reason).toMatch(/device lost/);
  });

  it('keeps q4 to avoid a second download', () => {
    const gpu = chooseRuntime({ webgpu: PLAIN, availableDtypes: ALL });
    expect(fallbackAfterWebgpuFailure(gpu, ALL)).toMatchObject({ device: 'wasm', dtype: 'q4' });
  });

  it('uses q4 when the model has no q8', () => {
    const gpu = chooseRuntime({ webgpu: F16, availableDtypes: NO_Q8 });
    expect(fallbackAfterWebgpuFailure(gpu, NO_Q8)).toMatchObject({ device: 'wasm', dtype: 'q4' });
  });

  it('leaves a WASM runtime on WASM', () => {
    const cpu = chooseRuntime({ webgpu: null, availableDtypes: ALL });
    expect(fallbackAfterWebgpuFailure(cpu, ALL, 'boom')).toMatchObject({ device: 'wasm', dtype: 'q8' });
  });

  it('throws when the model has nothing WASM can run', () => {
    const gpu = chooseRuntime({ webgpu: F16, availableDtypes: ['q4f16'] });
    expect(() => fallbackAfterWebgpuFailure(gpu, ['q4f16'])).toThrow(NoUsableDtypeError);
  });
});
