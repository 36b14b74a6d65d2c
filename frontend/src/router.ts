import { watch } from 'vue'
import { createRouter, createWebHashHistory } from 'vue-router'
import { onUnauthorized } from './api'
import { refreshUser, session } from './session'
import { locale, t } from './i18n'

// Hash history: the server serves one index.html and never needs a fallback route.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/cockpit' },
    { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { title: 'login', public: true } },
    { path: '/cockpit', component: () => import('./pages/CockpitPage.vue'), meta: { title: 'cockpit' } },
    { path: '/chain', component: () => import('./pages/ChainPage.vue'), meta: { title: 'chain' } },
    { path: '/map', component: () => import('./pages/MapPage.vue'), meta: { title: 'map' } },
    { path: '/enterprises', component: () => import('./pages/EnterprisesPage.vue'), meta: { title: 'enterprises' } },
    { path: '/enterprises/:id', component: () => import('./pages/ProfilePage.vue'), meta: { title: 'profile' } },
    { path: '/local-rate', component: () => import('./pages/LocalRatePage.vue'), meta: { title: 'localRate' } },
    { path: '/targets', component: () => import('./pages/TargetsPage.vue'), meta: { title: 'targets' } },
    { path: '/invest', component: () => import('./pages/InvestPage.vue'), meta: { title: 'invest' } },
    { path: '/cultivate', component: () => import('./pages/CultivatePage.vue'), meta: { title: 'cultivate' } },
    { path: '/match', component: () => import('./pages/MatchPage.vue'), meta: { title: 'match' } },
    { path: '/resilience', component: () => import('./pages/ResiliencePage.vue'), meta: { title: 'resilience' } },
    { path: '/events', component: () => import('./pages/EventsPage.vue'), meta: { title: 'events' } },
    { path: '/infra', component: () => import('./pages/InfraPage.vue'), meta: { title: 'infra' } },
    { path: '/battery', component: () => import('./pages/BatteryPage.vue'), meta: { title: 'battery' } },
    { path: '/imports', component: () => import('./pages/ImportsPage.vue'), meta: { title: 'imports' } },
    { path: '/screen', component: () => import('./pages/ScreenPage.vue'), meta: { title: 'screen' } },
    { path: '/admin/users', component: () => import('./pages/UsersPage.vue'), meta: { title: 'users' } },
    { path: '/admin/audit', component: () => import('./pages/AuditPage.vue'), meta: { title: 'audit' } },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await refreshUser()
  if (to.path === '/cockpit' && to.redirectedFrom?.path === '/' && (!session.user || session.user.role === 'viewer')) return session.user ? '/screen' : '/login' // the viewer lands on the 大屏
  if (!to.meta.public && !session.user) return { path: '/login', query: { next: to.fullPath } }
  pageTitle(to.meta.title as string | undefined)
})

// meta.title is a key of the `page` messages; the tab title follows the language switch
function pageTitle(key: string | undefined) {
  document.title = `${key ? t('page.' + key) : ''} · ${t('shell.titleSuffix')}`
}
watch(locale, () => pageTitle(router.currentRoute.value.meta.title as string | undefined))

onUnauthorized(() => {
  session.user = null
  if (router.currentRoute.value.path !== '/login') router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
})
