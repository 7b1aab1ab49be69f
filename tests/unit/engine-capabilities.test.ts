import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  NoUsableDtypeError,
  chooseRuntime,
  dtypeProblem,
  fallbackAfterWebgpuFailure,
  type RuntimeInput,
  type WebGpuInfo,
} from '../../lib/engine/capabilities';
import type { Dtype } from '../../lib/engine/catalogue';
import { ADAPTER_RETRY_DELAYS_MS, probeWebGpu } from '../../lib/engine/model-spec';

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

describe('runtime reasons in words', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the English sentences from messages.json', () => {
    expect(chooseRuntime({ webgpu: F16, availableDtypes: ALL }).reason).toBe('WebGPU (nvidia ampere) with q4f16: the adapter supports shader-f16.');
    expect(chooseRuntime({ webgpu: null, availableDtypes: ALL, override: { device: 'webgpu', dtype: 'q4f16' } })).toMatchObject({
      reason:
        'WASM (CPU) with q8: automatic choice. device webgpu refused: WebGPU is not available in this browser. ' +
        'dtype q4f16 refused: q4f16 is a WebGPU format; the WASM backend does not run its f16 4-bit kernels.',
      refused: [
        'device webgpu refused: WebGPU is not available in this browser',
        'dtype q4f16 refused: q4f16 is a WebGPU format; the WASM backend does not run its f16 4-bit kernels',
      ],
    });
    expect(chooseRuntime({ webgpu: PLAIN, availableDtypes: ['fp32', 'q8', 'q4'], override: { dtype: 'fp16' } }).reason).toBe(
      'WebGPU with q4: the adapter lacks shader-f16. dtype fp16 refused: this model has no fp16 export.',
    );
    expect(chooseRuntime({ webgpu: F16, availableDtypes: ['fp32', 'q8', 'q4'], override: { device: 'wasm' } }).reason).toBe(
      'WASM (CPU) with q8: WASM was chosen in settings.',
    );
    const gpu = chooseRuntime({ webgpu: F16, availableDtypes: ALL });
    expect(fallbackAfterWebgpuFailure(gpu, ALL, new Error('device lost')).reason).toBe(
      'WASM (CPU) with q8: WebGPU failed (device lost), so the model runs on the CPU; switched from q4f16 to q8.',
    );
    const cpu = chooseRuntime({ webgpu: null, availableDtypes: ALL });
    expect(fallbackAfterWebgpuFailure(cpu, ALL).reason).toBe('WASM (CPU) with q8: WebGPU is not available. WebGPU failed; already on WASM.');
  });

  it('goes through the browser i18n API in the extension', () => {
    const getMessage = vi.fn((key: string, substitutions?: string | string[]) => `[${key}${[substitutions ?? []].flat().map((s) => ` ${s}`).join('')}]`);
    vi.stubGlobal('browser', { i18n: { getMessage } });
    expect(chooseRuntime({ webgpu: null, availableDtypes: ALL }).reason).toBe('[runtimeReason WASM (CPU) q8 [runtimeWebgpuUnavailable]]');
  });
});

describe('probeWebGpu', () => {
  const adapter = { features: new Set(['shader-f16']), info: { vendor: 'nvidia', architecture: '', device: '', description: 'NVIDIA H200' } };
  let calls = 0;
  const withGpu = (answers: Array<typeof adapter | null>) => {
    calls = 0;
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => answers[Math.min(calls++, answers.length - 1)] } });
  };
  const pauses: number[] = [];
  const sleep = async (ms: number) => void pauses.push(ms);
  afterEach(() => {
    vi.unstubAllGlobals();
    pauses.length = 0;
  });

  it('asks again when the GPU process has no adapter yet, just after the browser starts', async () => {
    withGpu([null, adapter]);
    const info = await probeWebGpu(sleep);
    expect(info?.features).toEqual(['shader-f16']);
    expect(info?.adapterInfo?.description).toBe('NVIDIA H200');
    expect(pauses).toEqual([ADAPTER_RETRY_DELAYS_MS[0]]);
  });

  it('concludes there is no GPU after the last pause, and does not wait where WebGPU is missing', async () => {
    withGpu([null]);
    expect(await probeWebGpu(sleep)).toBeNull();
    expect(calls).toBe(ADAPTER_RETRY_DELAYS_MS.length + 1);
    expect(pauses).toEqual([...ADAPTER_RETRY_DELAYS_MS]);

    vi.stubGlobal('navigator', {});
    pauses.length = 0;
    expect(await probeWebGpu(sleep)).toBeNull();
    expect(pauses).toEqual([]);
  });

  it('does not wait when the first answer is an adapter', async () => {
    withGpu([adapter]);
    expect(await probeWebGpu(sleep)).not.toBeNull();
    expect(pauses).toEqual([]);
  });
});
