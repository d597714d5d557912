/**
 * When the renderer process dies (crash, OOM, killed), the shell reloads the
 * page — but a page that dies on every load would otherwise reload forever,
 * burning CPU and filling the log. At most `maxReloads` in `windowMs`; after
 * that the shell stops and says so.
 */
export interface ReloadGuardOptions {
  maxReloads: number;
  windowMs: number;
  now?: () => number;
}

export interface ReloadGuard {
  /** Records a crash; true if a reload is still allowed. */
  allowReload(): boolean;
  readonly recent: number;
}

export function createReloadGuard({ maxReloads, windowMs, now = Date.now }: ReloadGuardOptions): ReloadGuard {
  let times: number[] = [];
  return {
    allowReload() {
      const t = now();
      times = times.filter((at) => t - at < windowMs);
      if (times.length >= maxReloads) return false;
      times.push(t);
      return true;
    },
    get recent() {
      return times.length;
    },
  };
}
