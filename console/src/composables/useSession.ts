import { inject, type InjectionKey } from 'vue';
import type { Session } from '@/auth/session';

export const SESSION_KEY: InjectionKey<Session> = Symbol('session');

export function useSession(): Session {
  const s = inject(SESSION_KEY);
  if (!s) throw new Error('useSession() outside the app (no session provided)');
  return s;
}
