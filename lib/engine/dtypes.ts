/**
 * Weight formats transformers.js can load for a decoder (the subset this project uses). A module
 * of its own: the settings (read by the content script) need the list, not the model catalogue.
 */
export const DTYPES = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;
export type Dtype = (typeof DTYPES)[number];
