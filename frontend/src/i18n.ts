// The dashboard's two languages: zh-CN (the default, the plans' language) and English. The choice is kept in
// localStorage and mirrored on <html lang>. Only the interface's own words are translated: names and other
// data from the API are shown as sent (see docs/web.md). The CLI never reads this (it speaks zh-CN).
import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN'
import en from './locales/en'

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
const STORAGE_KEY = 'chainbrain.locale'

function stored(): Locale {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY)
    return (LOCALES as readonly string[]).includes(v ?? '') ? (v as Locale) : 'zh-CN'
  } catch {
    return 'zh-CN' // storage blocked: the default
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: stored(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

/** The current locale, reactive. */
export const locale = computed<Locale>(() => i18n.global.locale.value as Locale)
export const isEnglish = computed(() => locale.value === 'en')

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l
  document.documentElement.lang = l
  try {
    window.localStorage.setItem(STORAGE_KEY, l)
  } catch {
    /* storage blocked: the choice lasts for this page only */
  }
}

document.documentElement.lang = stored()

/** Translate outside a component (router titles, format helpers). */
export const t = (key: string, named?: Record<string, unknown>): string =>
  named ? i18n.global.t(key, named) : i18n.global.t(key)

// Closed vocabularies the API sends in Chinese or as codes (units, roles, statuses): shown in the current
// language. Anything else (names, free text, API messages) is shown as sent.
const UNIT_KEYS: Record<string, string> = {
  万辆: 'wanVehicles', 亿元: 'yiYuan', 万元: 'wanYuan', 家: 'firms', 个: 'sites', 座: 'stations', 公里: 'km',
  辆: 'vehicles', 项: 'items', 点: 'points', 百分点: 'pctPoints', 万套: 'wanSets', 万个: 'wanItems', 万人: 'wanPeople',
  亿瓦时: 'yiWh', '辆/桩': 'vehiclesPerPile', 天: 'days', 单位: 'generic', 套: 'sets', 件: 'pieces', 台: 'units', 人: 'people',
  条: 'items2', 桩: 'chargers', 次: 'times', 处: 'places', 吨: 'tonnes',
}
/** A unit word of the plans in the current language; an unknown unit (or '%', 'GWh', 'kWh') as it is. */
export const unitLabel = (u: string | null | undefined): string => (u ? (UNIT_KEYS[u] ? t('unit.' + UNIT_KEYS[u]) : u) : '')
const ROLES = ['OEM', 'Tier1', 'Tier2', 'Tier3', 'service', 'research']
/** An enterprise role code (OEM, Tier1 …) as a label. */
export const roleLabel = (r: string): string => (ROLES.includes(r) ? t('role.' + r) : r)
export const ROLE_CODES = ROLES
/** A provenance status (verified / illustrative / synthetic) as a label. */
export const provenanceLabel = (s: string): string => (['verified', 'illustrative', 'synthetic'].includes(s) ? t('provenance.' + s) : s)
/** A login role (admin, analyst, viewer, enterprise) as a label. */
export const userRoleLabel = (r: string): string => (['admin', 'analyst', 'viewer', 'enterprise'].includes(r) ? t('userRole.' + r) : r)
const TARGET_STATUS: Record<string, string> = { 滞后: 'behind', 预警: 'warning', 正常: 'onTrack', 数据不足: 'tooFew', 无数据: 'noData', 达标: 'met' }
/** A target's status as the API sends it (滞后, 预警 …) in the current language. */
export const targetStatusLabel = (s: string): string => (TARGET_STATUS[s] ? t('targetStatus.' + TARGET_STATUS[s]) : s)
/** A segment's name: the API sends name_en beside name_zh, so English shows that one. */
export const segmentName = (s: { name_zh: string; name_en?: string | null }): string => (isEnglish.value && s.name_en ? s.name_en : s.name_zh)
/** Whether a message exists (for codes that may have a label). */
export const hasMessage = (key: string): boolean => i18n.global.te(key)
/**
 * A label the API sends in Chinese beside a code (a score part, a funnel stage): as sent in Chinese, and the
 * message `<group>.<code>` in English when there is one.
 */
export const codeLabel = (group: string, code: string, zh: string): string =>
  isEnglish.value && hasMessage(`${group}.${code}`) ? t(`${group}.${code}`) : zh

// unit words after a number, longest first (万辆 before 辆)
const UNIT_AFTER_NUMBER = new RegExp(`(\\d|—) (${Object.keys(UNIT_KEYS).sort((a, b) => b.length - a.length).map((u) => u.replace('/', '\\/')).join('|')})(?![\\u4e00-\\u9fff])`, 'g')
/**
 * A figure formatted by format.ts (qty, range, days: "1.43 万辆", "800 亿瓦时（80 GWh）", "74.7 天") in the current
 * language: in English the unit word after each number becomes its English label and the full-width brackets
 * ASCII ones; in Chinese the text as it is.
 */
export const inLocale = (text: string): string =>
  !isEnglish.value ? text : text.replace(UNIT_AFTER_NUMBER, (_m, d: string, u: string) => `${d} ${t('unit.' + UNIT_KEYS[u])}`).replace(/（/g, ' (').replace(/）/g, ')')
/** A message in Chinese whatever the interface language: exported files keep Chinese heads and labels. */
export const tZh = (key: string): string => i18n.global.t(key, {}, { locale: 'zh-CN' })
