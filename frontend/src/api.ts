// Typed client of the documented API (/openapi.json). Every page reads its data through here.

export interface Page<T> { data: T[]; count: number }

export interface User { id: number; username: string; role: string; role_zh: string; enterprise_id: string | null; display_name: string | null }

export interface Overview {
  enterprises: number; oems: number; parts_firms: number; local_parts_firms: number
  unverified_enterprises: number; unverified_links: number; chain_leaders: number; specialised: number
  sites: number; vehicle_models: number; nev_volume: number; supply_links: number; segments: number
  local_rate_value: number | null; local_rate_count: number | null; local_value: number | null; total_value: number | null; boundary: string
  note?: string | null
}

export interface Segment {
  id: string; parent_id: string | null; name_zh: string; name_en: string; level: number; stream: string; kind: string
  unit: string | null; firms: number; sites: number; local_sites: number; capacity: number | null; status: string
}

export interface Enterprise {
  id: string; credit_code: string | null; name: string; short_name: string | null; district_code: string
  district_name: string | null; roles: string[]; labels: string[]; main_segment_id: string | null
  main_segment_name: string | null; revenue: number | null; employees: number | null; founded: number | null
  note: string | null; site_count: number; source: string; as_of: string | null; status: string
}

export interface Site {
  id: string; enterprise_id: string; enterprise_name: string; enterprise_short_name: string | null; name: string
  district_code: string; district_name: string | null; park: string | null; segment_id: string | null
  segment_name: string | null; capacity: number | null; capacity_unit: string | null; status: string
  source?: string
}

export interface VehicleModel {
  id: string; oem_id: string; oem_name: string; brand: string; name: string; powertrain: string
  annual_volume: number; price: number | null; site_name: string | null
}

export interface SupplyLink {
  id: string; segment_id: string; segment_name: string | null; buyer_id: string; buyer_name: string
  buyer_short_name: string | null; supplier_id: string; supplier_name: string; supplier_short_name: string | null
  supplier_district_name: string | null; supplier_in_city: boolean; annual_value: number; share: number | null
  confidence: string; status: string
}

export interface Profile extends Enterprise {
  sites: Site[]; vehicle_models: VehicleModel[]; links_visible: boolean; suppliers: SupplyLink[]; customers: SupplyLink[]
}

export interface District {
  id: string; name: string; region: string | null; yuxi: boolean; firms: number; sites: number
  firms_with_sites: number; nev_volume: number
}

export interface RateRow {
  // values are null with withheld when fewer than 3 firms make the row up (roles other than admin/analyst)
  key: string; name: string; local_value: number | null; total_value: number | null; rate_value: number | null
  local_count: number | null; total_count: number | null; rate_count: number | null; withheld?: boolean
}

export interface GapRow {
  segment_id: string; name: string; unit: string | null; demand: number; local_capacity: number; shortfall: number
  local_value: number | null; outside_value: number | null; total_value: number | null; local_firms: number; hhi: number | null
  missing: boolean; short: boolean; single_sourced: boolean; concentrated: boolean; withheld?: boolean
}

export interface OemChange {
  key: string; name: string; total_value: number; local_value_before: number; local_value_after: number
  rate_value_before: number | null; rate_value_after: number | null; displaced_value: number
}

export interface WhatIfResult {
  segment: string; capacity: number; district: string | null; used_capacity: number; displaced_value: number
  city_before: RateRow; city_after: RateRow; oems: OemChange[]
}

export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message) }
}

type Listener = () => void
const unauthorized: Listener[] = []
export function onUnauthorized(fn: Listener): void { unauthorized.push(fn) }

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  if (init.body && !(init.body instanceof FormData)) headers['Content-Type'] = 'application/json'
  const r = await fetch('/api/v1' + path, { credentials: 'same-origin', ...init, headers: { ...headers, ...(init.headers as Record<string, string> | undefined) } })
  if (r.status === 204) return undefined as T
  const body = await r.json().catch(() => ({}))
  if (!r.ok) {
    if (r.status === 401 && !path.startsWith('/auth/')) unauthorized.forEach((fn) => fn())
    throw new ApiError(r.status, typeof body.detail === 'string' ? body.detail : `请求失败（HTTP ${r.status}）`)
  }
  return body as T
}

export function query(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? '?' + s : ''
}

/** Every row of a paged list (pages of 500). */
export async function all<T>(path: string, params: Record<string, string | number | null | undefined> = {}): Promise<T[]> {
  const out: T[] = []
  for (let page = 1; ; page++) {
    const p = await api<Page<T>>(path + query({ ...params, page, size: 500 }))
    out.push(...p.data)
    if (out.length >= p.count || p.data.length === 0) return out
  }
}

export const post = <T>(path: string, body: unknown) => api<T>(path, { method: 'POST', body: JSON.stringify(body) })

export interface Assessment {
  id: string; name: string; unit: string; kind: string; value: number; max: number | null; year: number
  direction: string; document: string; clause: string; status: string; latest: number | null
  latest_period: string | null; latest_status: string | null; n_obs: number; required_now: number | null
  projected: number | null; projected_low: number | null; projected_high: number | null; method: string | null
  reason: string; pace_gap: number | null; catch_up: { period: string; level: number }[]
  basis?: string | null; verified_latest?: number | null; verified_period?: string | null; live_value?: number | null
}

export interface Observation {
  id: number; target_id: string; period: string; value: number; unit: string; source: string; as_of: string
  status: string; correction: boolean; superseded: boolean
}

export interface TargetDetail {
  target: Record<string, unknown>; assessment: Assessment; observations: (Observation & { t: number })[]; path: { year: number; required: number }[]
}

export interface Problem { file: string; row: number | null; column: string | null; value: unknown; reason: string }
export interface CheckResult { ok: boolean; table: string; file: string; rows: number; inserted: number; updated: number; problems: Problem[] }
export interface ImportTable { name: string; title_zh: string }

// 招商 / 培育 / 供需对接
export interface ScorePart {
  // value and points are null when the part is withheld from this role (withheld says so)
  key: string; name_zh: string; raw: number | null; unit: string; value: number | null; weight: number; points: number | null
  explain: string; evidence: Record<string, string[]>; withheld: string | null
}
export interface InvestCandidate {
  enterprise_id: string; name: string; home_district: string; segment_id: string; capacity: number | null
  capacity_basis: string; district: string | null; district_name: string | null; park: string | null; score: number
  parts: ScorePart[]; rate_before: number | null; rate_after: number | null; gain: number | null; score_note: string | null
}
export interface SegmentTargets {
  segment_id: string; name: string; flags: string[]; outside_value: number; shortfall: number; unit: string | null
  outside_links: string[]; candidates: InvestCandidate[]
}
export interface DistrictGroup {
  district: string; name: string | null; parks: string[]; segments: string[]; count: number; total_score: number
  candidates: InvestCandidate[]
}
export interface Recommendations { data: SegmentTargets[]; count: number; weights: Record<string, number> }
export interface Lead {
  id: string; enterprise_id: string; name: string; segment_id: string | null; district_code: string | null; park: string | null
  owner: string | null; recommended: boolean; stage: string; stage_zh: string; stage_date: string | null
  history: { stage: string; stage_zh: string; date: string | null; owner: string | null; note: string | null }[]
}
export interface Funnel {
  district: string | null; stages: { stage: string; stage_zh: string }[]
  recommended: { leads: number; moved: number; reached: Record<string, number> }
  other: { leads: number; moved: number; reached: Record<string, number> }
}
export interface CriterionCheck {
  key: string; name_zh: string; status: 'met' | 'missed' | 'unknown' | 'withheld'; values: Record<string, unknown>; tests: string[]
  clause: string; reason: string; band_zh: string
}
export interface TierAssessment {
  enterprise_id: string; name: string; district_code: string; tier: string; checks: CriterionCheck[]
  met: string[]; missed: string[]; unknown: string[]; withheld: string[]; score: number; attr_source: string | null; attr_status: string | null
}
export interface CultivateList {
  tier: string; tier_zh: string; data: TierAssessment[]; count: number
  progress: { tier: string; tier_zh: string; count: number; target: number; unit: string }[]
}
export interface TransformCandidate {
  enterprise_id: string; name: string; district_code: string; segments: string[]; capabilities: string[]; score: number
  targets: { segment_id: string; name: string; score: number; evidence: number; pull: number | null; outside_value: number | null; reasons: string[]; note?: string | null }[]
}
export interface Need {
  id: string; buyer_id: string; segment_id: string; title: string; spec: string; annual_volume: number | null
  certifications: string[]; delivery_district: string | null; state: string; posted_at: string | null; status: string
}
export interface Offer {
  id: string; supplier_id: string; segment_ids: string[]; title: string; text: string; capacity: number | null
  committed: number | null; certifications: string[]; state: string; posted_at: string | null; status: string
}
export interface MatchPart { key: string; name_zh: string; value: number; weight: number; points: number; explain: string }
export interface Match {
  id: string; name: string; score: number; parts: MatchPart[]; offer_id: string | null; need_id: string | null
  local: boolean; distance_km: number | null; evidence: Record<string, string[]>
}
export interface Matches { data: Match[]; count: number; weights: Record<string, number> }

// 供应链韧性 (TTR / TTS stress test)
export interface RiskRow {
  node: string; name: string; firm: string | null; district: string | null; segment: string | null
  ttr: number; loss: number; tts: number | null; rei: number; at_risk: boolean
}
export interface RiskListing { data: RiskRow[]; count: number; notes: string[] }
export interface AtRiskRow extends RiskRow { extra_stock: number | null }
export interface Backup {
  backup: string; name: string; district: string | null; local: boolean; spare_per_day: number | null
  loss_before: number; loss_after: number; loss_averted: number; tts_after: number | null
}
export interface NodeActions extends AtRiskRow { backups: Backup[] }
export interface ChokePoint {
  segment: string; supplier?: string; supplier_name?: string; district: string | null; oems: string[]
  ttr: number | null; loss: number | null
}
export interface DistrictScenario {
  district: string; district_name: string; ttr: number | null; sites: number; loss: number; tts: number | null
  oems: { node: string; name: string; firm: string | null; units: number }[]
}
export interface NetNode {
  id: string; name: string; firm: string | null; segment: string | null; district: string | null
  local: boolean; finished: boolean; rei: number
}
export interface NetworkView { nodes: NetNode[]; edges: { source: string; target: string; material: string }[]; count: number }
