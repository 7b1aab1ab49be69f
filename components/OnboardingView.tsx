import type { JSX } from 'preact';
import { t } from '@/lib/i18n';
import type { EngineRuntime, EngineStatus } from '@/lib/messaging';
import { EngineLine, formatBytes } from './PopupView';

export interface OnboardingViewProps {
  runtime: EngineRuntime | null;
  engine: EngineStatus | null;
  onDownload: () => void;
  onOpenOptions: () => void;
}

/** First run: what runs where, the model download with its size and progress, a field to try. */
export function OnboardingView({ runtime, engine, onDownload, onOpenOptions }: OnboardingViewProps): JSX.Element {
  const device = runtime ? (runtime.device === 'webgpu' ? 'WebGPU' : 'WASM (CPU)') : '…';
  const busy = engine?.state === 'loading';
  return (
    <main class="page onboarding">
      <h1>{t('onboardingTitle')}</h1>
      <p>{t('onboardingLocal')}</p>
      <p>{t('onboardingLedger')}</p>
      <section aria-labelledby="model-heading">
        <h2 id="model-heading">{t('onboardingModelHeading')}</h2>
        {runtime && (
          <p data-testid="onboarding-model">
            {runtime.expectedBytes !== null
              ? t('onboardingModelSize', runtime.modelId, device, formatBytes(runtime.expectedBytes))
              : t('onboardingModelSizeUnknown', runtime.modelId, device)}
          </p>
        )}
        <p>{t('onboardingDownloadDecision')}</p>
        <button type="button" onClick={onDownload} disabled={busy} data-testid="onboarding-download">
          {t('onboardingDownload')}
        </button>
        <div aria-live="polite">
          <EngineLine engine={engine} />
        </div>
      </section>
      <section aria-labelledby="try-heading">
        <h2 id="try-heading">{t('onboardingTryHeading')}</h2>
        <p>{t('onboardingTryText')}</p>
        <label for="try-field">{t('onboardingTryLabel')}</label>
        <textarea id="try-field" rows={5} data-testid="onboarding-field" defaultValue={t('onboardingSample')} />
      </section>
      <p>
        <button type="button" onClick={onOpenOptions}>
          {t('onboardingSettings')}
        </button>
      </p>
    </main>
  );
}
