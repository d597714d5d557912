import { useEffect, useState } from 'react';
import { useController } from '../../../station/context';

export interface LoadedImage {
  src: string;
  width: number;
  height: number;
}

/**
 * Case images (cases.image) for the screen: fetched once per reference and
 * kept in a small cache (a reference names one immutable image; a new attempt
 * gets a new one). Evicted oldest first, so a long session does not keep
 * every page in memory.
 */
const cache = new Map<string, Promise<LoadedImage>>();
const cacheLimit = 48;

export function useCaseImage(caseId: string, ref: string | null): { image: LoadedImage | null; failed: boolean } {
  const controller = useController();
  const [state, setState] = useState<{ key: string; image: LoadedImage | null; failed: boolean } | null>(null);
  const key = ref === null ? null : `${caseId}/${ref}`;

  useEffect(() => {
    if (key === null || ref === null) return;
    let live = true;
    let pending = cache.get(key);
    if (pending === undefined) {
      pending = controller.api.call['cases.image']({ caseId, ref }).then((r) => ({ src: `data:image/png;base64,${r.png}`, width: r.width, height: r.height }));
      cache.set(key, pending);
      if (cache.size > cacheLimit) cache.delete(cache.keys().next().value as string);
      // A failed fetch is not cached: the next render may try again.
      pending.catch(() => cache.delete(key));
    }
    pending.then(
      (image) => live && setState({ key, image, failed: false }),
      () => live && setState({ key, image: null, failed: true }),
    );
    return () => {
      live = false;
    };
  }, [controller, caseId, ref, key]);

  if (key === null || state === null || state.key !== key) return { image: null, failed: false };
  return { image: state.image, failed: state.failed };
}
