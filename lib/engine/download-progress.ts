import type { ProgressInfo } from '@huggingface/transformers';

/**
 * Folds transformers.js' per-file progress events into one figure (bytes done / bytes total)
 * that any page can show. Files served from the cache report too, so a warm load reaches 100%.
 */
export class DownloadProgress {
  private readonly files = new Map<string, { loaded: number; total: number }>();

  /** Returns true when the totals changed. */
  update(info: ProgressInfo): boolean {
    if (info.status !== 'progress') return false;
    const previous = this.files.get(info.file);
    const next = { loaded: info.loaded, total: Math.max(info.total, info.loaded) };
    if (previous && previous.loaded === next.loaded && previous.total === next.total) return false;
    this.files.set(info.file, next);
    return true;
  }

  totals(): { loadedBytes: number; totalBytes: number } {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const file of this.files.values()) {
      loadedBytes += file.loaded;
      totalBytes += file.total;
    }
    return { loadedBytes, totalBytes };
  }
}
