// Numbers in the plans' own units: 元 → 亿元, 辆 → 万辆, kWh → 亿瓦时, fractions → %; counts as whole numbers.
// The same rules, for the CLI and the reports, are in src/chainbrain/units.py; tests/test_format.py checks both
// against the same hand-worked cases.
export const yi = (v: number | null | undefined) => (v === null || v === undefined ? '—' : (v / 1e8).toLocaleString('zh-CN', { maximumFractionDigits: 2 }))
export const wan = (v: number | null | undefined) => (v === null || v === undefined ? '—' : (v / 1e4).toLocaleString('zh-CN', { maximumFractionDigits: 2 }))
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : (v * 100).toFixed(1) + '%')
export const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }))

/** Units whose figures count whole things: shown as integers (no 592.5 家, no 14,279.75 辆). */
export const COUNT_UNITS = new Set(['家', '个', '座', '辆', '套', '件', '颗', '台', '片', '项', '人', '条', '桩', '次', '处'])
// round half away from zero (Math.round rounds −0.5 up; Python's round is to even): the same in both languages
export const roundInt = (v: number) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5)
const digits = (v: number, max: number) => v.toLocaleString('zh-CN', { maximumFractionDigits: max })
const isCount = (unit: string | null | undefined) => !!unit && COUNT_UNITS.has(unit)

/** A number with up to ``max`` decimals and thousands separators; '—' when unknown. */
export const fixed = (v: number | null | undefined, max = 2) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : digits(v, max))

/** A whole-number count: 14,279.75 → "14,280". */
export const count = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : roundInt(v).toLocaleString('zh-CN'))

/** A figure and its unit as the plans write it. Large 辆/套 become 万辆/万套, kWh becomes 亿瓦时 (GWh beside it),
 * 元 becomes 亿元, shares (unit '%' or '比例' holding a fraction) become per cent, counts are whole numbers. */
export function qty(v: number | null | undefined, unit: string | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  const u = unit ?? ''
  if (u === 'kWh') return Math.abs(v) >= 1e5 ? `${digits(v / 1e5, 2)} 亿瓦时（${digits(v / 1e6, 2)} GWh）` : `${digits(roundInt(v), 0)} kWh`
  if ((u === '辆' || u === '套') && Math.abs(v) >= 1e4) return `${digits(v / 1e4, 2)} 万${u}`
  if (u === '元') return `${digits(v / 1e8, 2)} 亿元`
  if (u === '比例') return share(v)
  if (u === '%') return `${digits(v, 1)}%`
  if (isCount(u)) return `${count(v)} ${u}`
  return u ? `${digits(v, 2)} ${u}` : digits(v, 2)
}

/** A range of the plans, e.g. 集聚企业3-5家 → "3–5 家"; an open top shows the floor alone. */
export function range(lo: number | null | undefined, hi: number | null | undefined, unit: string | null | undefined): string {
  if (hi === null || hi === undefined || lo === null || lo === undefined || hi === lo) return qty(lo ?? hi, unit)
  const one = (x: number) => (isCount(unit) ? count(x) : fixed(x))
  return unit === '%' ? `${one(lo)}–${one(hi)}%` : `${one(lo)}–${one(hi)}${unit ? ' ' + unit : ''}`
}

/** A fraction as per cent without needless zeros: 0.03 → "3%", 0.0323 → "3.2%", 0.7 → "70%". */
export const share = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${digits(v * 100, 1)}%`)

/** Days of stock or of recovery, one decimal: 74.73 → "74.7 天". */
export const days = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${digits(v, 1)} 天`)

/** A district or county by name: Chongqing's (codes 50…) by their own name, others with their city or province
 * first, e.g. 320214 新吴区 of 无锡市 → "无锡市新吴区", 310114 嘉定区 of 上海市 → "上海市嘉定区". */
export function placeName(d: { id: string; name: string; province?: string | null; city?: string | null }): string {
  if (d.id.startsWith('50')) return d.name
  const head = d.city ?? d.province ?? ''
  return d.name.startsWith(head) ? d.name : head + d.name
}

export const ROLE_ZH: Record<string, string> = { OEM: '整车', Tier1: '一级供应商', Tier2: '二级供应商', Tier3: '三级供应商', service: '服务', research: '科研' }
export const STATUS_ZH: Record<string, string> = { verified: '已核实', illustrative: '示意', synthetic: '合成' }
export const LABELS = ['链主', '专精特新', '小巨人', '上市', '高新技术', '单项冠军', '汽车电子', '传统零部件']

// escapeHtml: store or user text made safe inside HTML. ECharts tooltip formatters return HTML, so every value a
// formatter interpolates goes through esc(...) (district and firm names are imported by users).
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
