import type { JSX } from 'preact';
import type { AuditFiguresMessage, AuditKind, AuditSentence } from '@/lib/messaging';
import { t } from '@/lib/i18n';
import { percent } from '@/lib/ledger/audit';
import { AuditSentenceCard, KIND_TEXT, sentenceLabel } from './AuditSentenceCard';

/**
 * The in-page audit overlay (#5): boxes over the AI's words in the sentences of a field (drawn over the page's
 * text, never in it), each sentence's card on hover or focus, and a legend with the figures.
 * Pure view: geometry comes in as viewport rectangles, the host positions and re-renders it.
 */
export interface InPageHighlight {
  s: AuditSentence;
  /** Visible line boxes of the sentence (viewport coordinates, clipped to the field). */
  rects: DOMRect[];
}

export interface InPageAuditProps {
  highlights: InPageHighlight[];
  figures: AuditFiguresMessage;
  /** The field's visible box (viewport coordinates): where the legend goes. */
  field: DOMRect;
  viewport: { width: number; height: number };
  /** The highlight whose card is open (hover or focus), or null. */
  active: number | null;
  onActive: (index: number | null) => void;
  onClose: () => void;
  /** The editor asked to record a review of this field's text (on the audit page). */
  onReview: () => void;
}

/** Shares that add up to 1 show as percentages that add up to 100. */
const pct = percent;
const px = (n: number) => `${Math.round(n)}px`;
const CARD_WIDTH = 420;
const LEGEND_WIDTH = 300;
const LEGEND_HEIGHT = 270;

function boxStyle(rect: DOMRect): JSX.CSSProperties {
  return { left: px(rect.left), top: px(rect.top), width: px(rect.width), height: px(rect.height) };
}

/** Below the sentence's last line, or above its first when the viewport's bottom is near. */
function cardStyle(rects: DOMRect[], field: DOMRect, viewport: InPageAuditProps['viewport']): JSX.CSSProperties {
  const first = rects[0] ?? field;
  const last = rects[rects.length - 1] ?? field;
  const width = Math.min(CARD_WIDTH, viewport.width * 0.8);
  const left = Math.max(8, Math.min(last.left, viewport.width - width - 8));
  const below = viewport.height - last.bottom > 160 || first.top < 160;
  return below
    ? { left: px(left), top: px(last.bottom + 4), width: px(width) }
    : { left: px(left), bottom: px(viewport.height - first.top + 4), width: px(width) };
}

/** Below the field's right end, above it, or in the viewport's corner when the field fills it. */
function legendStyle(field: DOMRect, viewport: InPageAuditProps['viewport']): JSX.CSSProperties {
  const width = Math.min(LEGEND_WIDTH, viewport.width - 16);
  const left = Math.max(8, Math.min(field.right - width, viewport.width - width - 8));
  if (viewport.height - field.bottom > LEGEND_HEIGHT) return { left: px(left), top: px(field.bottom + 6), width: px(width) };
  if (field.top > LEGEND_HEIGHT) return { left: px(left), bottom: px(viewport.height - field.top + 6), width: px(width) };
  return { right: '8px', bottom: '8px', width: px(width) };
}

export function InPageAudit({ highlights, figures, field, viewport, active, onActive, onClose, onReview }: InPageAuditProps): JSX.Element {
  const f = figures;
  return (
    <div class="in-page-audit" data-testid="in-page-audit">
      {highlights.map((h, i) => {
        const label = `${sentenceLabel(h.s)}: ${h.s.text}`;
        const cardId = `ledgerline-audit-card-${i}`;
        const [first, ...rest] = h.rects;
        return (
          <div key={i} class={`hl-group kind-${h.s.kind}${active === i ? ' active' : ''}`} data-testid="in-page-highlight" data-kind={h.s.kind}>
            <button
              type="button"
              class={first ? 'hl' : 'hl offscreen'}
              style={first ? boxStyle(first) : undefined}
              aria-label={label}
              aria-describedby={cardId}
              data-start={h.s.start}
              data-end={h.s.end}
              onFocus={() => onActive(i)}
              onBlur={() => onActive(null)}
            />
            {rest.map((rect, j) => (
              <div key={j} class="hl" style={boxStyle(rect)} aria-hidden="true" />
            ))}
            <div class={`card-slot${active === i ? ' open' : ''}`} style={active === i ? cardStyle(h.rects, field, viewport) : undefined}>
              <AuditSentenceCard s={h.s} id={cardId} />
            </div>
          </div>
        );
      })}
      <div class="legend" role="group" aria-label={t('inPageAuditLabel')} style={legendStyle(field, viewport)} data-testid="in-page-legend">
        <p class="legend-title">
          <strong>{t('inPageAuditTitle')}</strong>
          <button type="button" class="close" onClick={onClose} data-testid="in-page-audit-close">
            {t('inPageAuditClose')}
          </button>
        </p>
        <p role="status" data-testid="in-page-share">
          {t('auditShare', f.aiSentences, f.sentences, pct(f.aiSentenceShare), pct(f.aiCharacterShare))}
        </p>
        <ul aria-label={t('auditLegendLabel')}>
          {(Object.keys(KIND_TEXT) as AuditKind[]).map((k) => (
            <li key={k} class={`kind-${k}`} data-testid={`in-page-count-${k}`}>
              <span class="swatch" aria-hidden="true" /> {t('auditLegendCount', KIND_TEXT[k], f.kinds[k]?.sentences ?? 0)}
            </li>
          ))}
        </ul>
        <p class="hint">{t('inPageAuditHint')}</p>
        <p>
          {/* Only the editor's own click opens the audit page: never a page script's. */}
          <button type="button" onClick={(event) => event.isTrusted && onReview()} aria-describedby="ledgerline-audit-review-hint" data-testid="in-page-review">
            {t('inPageAuditReview')}
          </button>
        </p>
        <p class="hint" id="ledgerline-audit-review-hint">
          {t('inPageAuditReviewHint')}
        </p>
      </div>
    </div>
  );
}
