/** React access to the one store and the one page session: `useApp(selector)` and `useSession()`. */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppState, AppStore } from '../store/store.ts';
import type { PageSession } from '../session/page_session.ts';

export interface AppContextValue {
  store: AppStore;
  session: PageSession;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ value, children }: { value: AppContextValue; children: ReactNode }) {
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp/useSession outside <AppProvider>');
  return value;
}

/** Reads the store through a selector (return stable values: a field, not a freshly built object). */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

/** The page session's verbs (load, train, pause, export, …). */
export function useSession(): PageSession {
  return useAppContext().session;
}

/** The store's actions (stable functions), for components that write plain UI state. */
export function useActions(): AppState {
  return useAppContext().store.getState();
}
