import type { AcceptanceInput } from './types';

/** A valid acceptance for tests, benches and calibration; override any field. */
export function makeAcceptance(overrides: Partial<AcceptanceInput> = {}): AcceptanceInput {
  const insertedText = overrides.insertedText ?? 'The council approved the budget on Tuesday. Dr. Lee voted against it.';
  return {
    document: { origin: 'https://cms.example.com', path: '/stories/42/edit/?tab=body#top', fieldId: 'body' },
    pageTitle: 'Budget story',
    action: 'continue',
    model: { id: 'onnx-community/Qwen2.5-0.5B-Instruct', revision: 'abc123', dtype: 'q4f16', backend: 'webgpu' },
    suggestedAt: 1_750_000_000_000,
    acceptedAt: 1_750_000_005_000,
    originalText: null,
    suggestedText: insertedText,
    insertedText,
    extensionVersion: '0.1.0',
    ...overrides,
  };
}
