/** React access to the one store and the one controller: `useApp(selector)` and `useController()`. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store/store.ts';
import type { Controller } from './controller.ts';

export interface AppContextValue {
  store: AppStore;
  controller: Controller;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ value, children }: { value: AppContextValue; children: ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp/useController outside <AppProvider>');
  return value;
}

/** Reads the store through a selector (return stable values: a field, not a freshly built object). */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useController(): Controller {
  return useAppContext().controller;
}

/** The store's actions (stable functions), for components that write plain UI state. */
export function useActions(): AppState {
  return useAppContext().store.getState();
}
