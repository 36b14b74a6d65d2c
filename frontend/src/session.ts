import { reactive } from 'vue'
import { api, type Session, type User } from './api'

export const session = reactive<{ user: User | null; checked: boolean }>({ user: null, checked: false })

export async function refreshUser(): Promise<User | null> {
  try {
    session.user = (await api<Session>('/auth/session')).user
  } catch {
    session.user = null
  }
  session.checked = true
  return session.user
}

export const canSeeAllLinks = () => session.user?.role === 'admin' || session.user?.role === 'analyst'
export const isViewer = () => session.user?.role === 'viewer'
