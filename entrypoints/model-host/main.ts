import { browser } from 'wxt/browser';
import { createModelHost } from '@/lib/engine/model-host-server';
import { openModelFileCache } from '@/lib/engine/model-file-cache';
import { configureTransformersEnv } from '@/lib/engine/runtime-env';
import { loadTransformersGenerator } from '@/lib/engine/text-generator';
import { isModelHostConnect, MODEL_HOST_PORT_NAME } from '@/lib/messaging/model-host';

// Wiring only: the offscreen document the background runs the model in (lib/engine/offscreen-model-host.ts).
const cache = openModelFileCache();
const serve = createModelHost((spec, onProgress, seams) => {
  configureTransformersEnv({ remoteHost: spec.host, cache, forcedWasmThreads: seams.wasmThreads });
  return loadTransformersGenerator(spec, onProgress, { seams });
});

// This document opens the port (it listens to no one's): now, and whenever the background asks.
const connect = () => serve(browser.runtime.connect({ name: MODEL_HOST_PORT_NAME }));
browser.runtime.onMessage.addListener((message: unknown, sender) => {
  if (sender.id === browser.runtime.id && !sender.tab && isModelHostConnect(message)) connect();
  return undefined; // never answers: other messages are the background's to answer
});
connect();
