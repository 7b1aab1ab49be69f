import type { ProgressInfo } from '@huggingface/transformers';

/**
 * Folds transformers.js' per-file progress events into one figure (bytes done / bytes total)
 * that any page can show. Files served from the cache report too, so a warm load reaches 100%.
 *
 * The total is the best figure available: the catalogue's download size when it is known (so the
 * bar does not jump as each file starts), else the sum of the sizes transformers.js announced
 * (its `progress_total` events list files not started yet, probed with a one-byte range request).
 */
export class DownloadProgress {
  private readonly files = new Map<string, { loaded: number; total: number }>();

  constructor(private readonly expectedTotal: number | null = null) {}

  /** Returns true when the totals changed. */
  update(info: ProgressInfo): boolean {
    if (info.status === 'progress_total') {
      let changed = false;
      for (const [file, entry] of Object.entries(info.files)) {
        if (this.files.has(file)) continue;
        this.files.set(file, { loaded: entry.loaded, total: Math.max(entry.total, entry.loaded) });
        changed = true;
      }
      return changed;
    }
    if (info.status === 'progress') {
      const previous = this.files.get(info.file);
      const next = { loaded: info.loaded, total: Math.max(info.total, info.loaded) };
      if (previous && previous.loaded === next.loaded && previous.total === next.total) return false;
      this.files.set(info.file, next);
      return true;
    }
    if (info.status === 'done') {
      // A file read without byte progress (e.g. a cached one in Firefox) still counts as complete.
      const previous = this.files.get(info.file);
      if (!previous || previous.loaded >= previous.total) return false;
      this.files.set(info.file, { loaded: previous.total, total: previous.total });
      return true;
    }
    return false;
  }

  totals(): { loadedBytes: number; totalBytes: number } {
    let loadedBytes = 0;
    let totalBytes = 0;
    for (const file of this.files.values()) {
      loadedBytes += file.loaded;
      totalBytes += file.total;
    }
    if (this.expectedTotal !== null && this.expectedTotal > totalBytes) totalBytes = this.expectedTotal;
    return { loadedBytes: Math.min(loadedBytes, totalBytes), totalBytes };
  }
}
