import { createRouter, createWebHashHistory } from 'vue-router'
import { onUnauthorized } from './api'
import { refreshUser, session } from './session'

// Hash history: the server serves one index.html and never needs a fallback route.
export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/cockpit' },
    { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录', public: true } },
    { path: '/cockpit', component: () => import('./pages/CockpitPage.vue'), meta: { title: '驾驶舱' } },
    { path: '/chain', component: () => import('./pages/ChainPage.vue'), meta: { title: '产业链图谱' } },
    { path: '/map', component: () => import('./pages/MapPage.vue'), meta: { title: '区县地图' } },
    { path: '/enterprises', component: () => import('./pages/EnterprisesPage.vue'), meta: { title: '企业库' } },
    { path: '/enterprises/:id', component: () => import('./pages/ProfilePage.vue'), meta: { title: '企业档案' } },
    { path: '/local-rate', component: () => import('./pages/LocalRatePage.vue'), meta: { title: '本地配套率' } },
    { path: '/targets', component: () => import('./pages/TargetsPage.vue'), meta: { title: '目标监测' } },
    { path: '/invest', component: () => import('./pages/InvestPage.vue'), meta: { title: '招商' } },
    { path: '/cultivate', component: () => import('./pages/CultivatePage.vue'), meta: { title: '培育' } },
    { path: '/match', component: () => import('./pages/MatchPage.vue'), meta: { title: '供需对接' } },
    { path: '/resilience', component: () => import('./pages/ResiliencePage.vue'), meta: { title: '供应链韧性' } },
    { path: '/events', component: () => import('./pages/EventsPage.vue'), meta: { title: '事件监测' } },
    { path: '/infra', component: () => import('./pages/InfraPage.vue'), meta: { title: '充换电与车路云' } },
    { path: '/battery', component: () => import('./pages/BatteryPage.vue'), meta: { title: '电池溯源' } },
    { path: '/imports', component: () => import('./pages/ImportsPage.vue'), meta: { title: '数据导入' } },
    { path: '/screen', component: () => import('./pages/ScreenPage.vue'), meta: { title: '大屏' } },
    { path: '/admin/users', component: () => import('./pages/UsersPage.vue'), meta: { title: '用户管理' } },
    { path: '/admin/audit', component: () => import('./pages/AuditPage.vue'), meta: { title: '审计日志' } },
  ],
})

router.beforeEach(async (to) => {
  if (!session.checked) await refreshUser()
  if (to.path === '/cockpit' && to.redirectedFrom?.path === '/' && (!session.user || session.user.role === 'viewer')) return session.user ? '/screen' : '/login' // the viewer lands on the 大屏
  if (!to.meta.public && !session.user) return { path: '/login', query: { next: to.fullPath } }
  document.title = `${to.meta.title ?? ''} · chainbrain 产业大脑`
})

onUnauthorized(() => {
  session.user = null
  if (router.currentRoute.value.path !== '/login') router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
})
