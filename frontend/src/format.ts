// Numbers in the plans' own units: 元 → 亿元, 辆 → 万辆, fractions → %.
export const yi = (v: number | null | undefined) => (v === null || v === undefined ? '—' : (v / 1e8).toLocaleString('zh-CN', { maximumFractionDigits: 2 }))
export const wan = (v: number | null | undefined) => (v === null || v === undefined ? '—' : (v / 1e4).toLocaleString('zh-CN', { maximumFractionDigits: 2 }))
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : (v * 100).toFixed(1) + '%')
export const num = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString('zh-CN', { maximumFractionDigits: 2 }))

export const ROLE_ZH: Record<string, string> = { OEM: '整车', Tier1: '一级供应商', Tier2: '二级供应商', Tier3: '三级供应商', service: '服务', research: '科研' }
export const STATUS_ZH: Record<string, string> = { verified: '已核实', illustrative: '示意', synthetic: '合成' }
export const LABELS = ['链主', '专精特新', '小巨人', '上市', '高新技术', '单项冠军', '汽车电子', '传统零部件']

// escapeHtml: store or user text made safe inside HTML. ECharts tooltip formatters return HTML, so every value a
// formatter interpolates goes through esc(...) (district and firm names are imported by users).
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export const esc = (v: unknown): string => String(v ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
