import { createContext, useContext, useSyncExternalStore } from 'react';
import type { StationController } from './controller';
import type { StationState } from './store';

export const ControllerContext = createContext<StationController | null>(null);

export function useController(): StationController {
  const controller = useContext(ControllerContext);
  if (controller === null) throw new Error('useController outside ControllerContext');
  return controller;
}

export function useStationState(): StationState {
  const { store } = useController();
  return useSyncExternalStore(store.subscribe, store.get);
}
