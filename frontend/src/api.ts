// Client of the documented API (/openapi.json). Every page reads its data through here.
//
// The types are those of ./api-types.ts, generated from the API's OpenAPI document
// (.venv/bin/python scripts/gen_api_types.py; tests/test_api_types.py fails when it is stale). Pages import
// the names below, never a hand-written shape of an answer.

import type { components, paths } from './api-types'

export type { components, paths }

/** A schema of the OpenAPI document by name, e.g. `Schema<'EnterpriseOut'>`. */
export type Schema<N extends keyof components['schemas']> = components['schemas'][N]
type S = components['schemas']

/** The JSON answer (HTTP 200/201) of `GET path`, e.g. `GetResponse<'/api/v1/segments'>`. */
export type GetResponse<P extends keyof paths> = paths[P] extends { get: { responses: infer R } } ? JsonBody<R> : never
/** The JSON answer of `POST path`. */
export type PostResponse<P extends keyof paths> = paths[P] extends { post: { responses: infer R } } ? JsonBody<R> : never
type JsonBody<R> = R extends { 200: { content: { 'application/json': infer B } } } ? B
  : R extends { 201: { content: { 'application/json': infer B } } } ? B : never

/** A paged list (`Page[T]` in the API): `data` is one page, `count` every row that matched. */
export type Page<T> = Omit<S['Page_EnterpriseOut_'], 'data'> & { data: T[] }

export type User = S['UserOut']
export type Session = S['SessionOut']
export type Login = S['LoginOut']
export type Overview = S['Overview']
export type Segment = S['SegmentOut']
export type Enterprise = S['EnterpriseOut']
export type Site = S['SiteOut']
export type VehicleModel = S['VehicleModelOut']
export type SupplyLink = S['SupplyLinkOut']
export type Profile = S['EnterpriseProfile']
export type District = S['DistrictOut']
/** values are null with withheld when fewer than 3 firms make the row up (roles other than admin/analyst) */
export type RateRow = S['RateRowOut']
export type GapRow = S['GapRowOut']
export type OemChange = S['OemChange']
export type WhatIfResult = S['WhatIfResult']
export type Observation = S['Observation']
export type Problem = S['ProblemOut']
export type CheckResult = S['CheckOut']
export type ImportTable = S['TableOut']
export type ImportResult = S['ImportOut']
export type TargetSummary = S['Summary']
// 用户管理 / 审计日志 (admin)
export type AuditEntry = S['AuditOut']
export type AuditAction = S['AuditAction']
export type Revoked = S['RevokedOut']
// `id` has a default (a new id) in the model, so the schema leaves it optional; every answer carries it
export type Need = S['Need'] & { id: string }
export type Offer = S['Offer'] & { id: string }

// Narrowed until the route declares its model. These answers are documented today only as objects (or lists
// of objects) of any fields (`dict[str, Any]` in the route), so the generated type says nothing about them;
// each type below keeps the generated schema and spells out only its loose fields. When the route gets a
// response model, regenerate api-types.ts and replace the type by an alias of the new schema.

export type CatchUp = { period: string; level: number }
/** GET /targets, /targets/warnings (`Assessment.catch_up` is a list of objects) */
export type Assessment = Omit<S['Assessment'], 'catch_up'> & { catch_up: CatchUp[] }
/** GET /targets/{target_id} (`target` is an object of any fields; the page reads none of them) */
export type TargetDetail = Omit<S['TargetDetail'], 'assessment'> & { assessment: Assessment }

/** GET /districts/geojson (an object of any fields: a GeoJSON FeatureCollection, handed to ECharts as it is) */
export type DistrictGeoJson = GetResponse<'/api/v1/districts/geojson'>

// 招商 / 培育 / 供需对接
/** value and points are null when the part is withheld from this role (withheld says so) */
export type ScorePart = {
  key: string; name_zh: string; raw: number | null; unit: string; value: number | null; weight: number; points: number | null
  explain: string; evidence: Record<string, string[]>; withheld: string | null
}
/** items of `Recommendations.data[].candidates` and `DistrictGroup.candidates` (GET /invest/recommendations, /invest/map) */
export type InvestCandidate = {
  enterprise_id: string; name: string; home_district: string; segment_id: string; capacity: number | null
  capacity_basis: string; district: string | null; district_name: string | null; park: string | null; score: number
  parts: ScorePart[]; rate_before: number | null; rate_after: number | null; gain: number | null; score_note: string | null
}
/** items of `Recommendations.data` */
export type SegmentTargets = {
  segment_id: string; name: string; flags: string[]; outside_value: number; shortfall: number; unit: string | null
  outside_links: string[]; candidates: InvestCandidate[]
}
/** GET /invest/map items (`candidates` is a list of objects) */
export type DistrictGroup = Omit<S['DistrictGroup'], 'candidates'> & { candidates: InvestCandidate[] }
/** GET /invest/recommendations (`data` is a list of objects) */
export type Recommendations = Omit<S['Recommendations'], 'data'> & { data: SegmentTargets[] }
/** items of GET /invest/leads (a `Page[dict]`) */
export type Lead = {
  id: string; enterprise_id: string; name: string; segment_id: string | null; district_code: string | null; park: string | null
  owner: string | null; recommended: boolean; stage: string; stage_zh: string; stage_date: string | null
  history: { stage: string; stage_zh: string; date: string | null; owner: string | null; note: string | null }[]
}
type FunnelGroup = { leads: number; moved: number; reached: Record<string, number> }
/** GET /invest/leads/funnel (`recommended` and `other` are objects, `stages` objects of strings) */
export type Funnel = Omit<S['Funnel'], 'stages' | 'recommended' | 'other'> & {
  stages: { stage: string; stage_zh: string }[]; recommended: FunnelGroup; other: FunnelGroup
}
export type CriterionCheck = {
  key: string; name_zh: string; status: 'met' | 'missed' | 'unknown' | 'withheld'; values: Record<string, unknown>; tests: string[]
  clause: string; reason: string; band_zh: string
}
/** items of `CultivateList.data` */
export type TierAssessment = {
  enterprise_id: string; name: string; district_code: string; tier: string; checks: CriterionCheck[]
  met: string[]; missed: string[]; unknown: string[]; withheld: string[]; score: number; attr_source: string | null; attr_status: string | null
}
/** GET /cultivate/zjtx, /cultivate/xjr (`data` and `progress` are lists of objects) */
export type CultivateList = Omit<S['CultivateList'], 'data' | 'progress'> & {
  data: TierAssessment[]; progress: { tier: string; tier_zh: string; count: number; target: number; unit: string }[]
}
/** items of GET /cultivate/transform (a `Page[dict]`) */
export type TransformCandidate = {
  enterprise_id: string; name: string; district_code: string; segments: string[]; capabilities: string[]; score: number
  targets: { segment_id: string; name: string; score: number; evidence: number; pull: number | null; outside_value: number | null; reasons: string[]; note?: string | null }[]
}
export type MatchPart = { key: string; name_zh: string; value: number; weight: number; points: number; explain: string }
/** items of `Matches.data` */
export type Match = {
  id: string; name: string; score: number; parts: MatchPart[]; offer_id: string | null; need_id: string | null
  local: boolean; distance_km: number | null; evidence: Record<string, string[]>
}
/** GET /needs/{need_id}/matches, /offers/{offer_id}/matches (`data` is a list of objects) */
export type Matches = Omit<S['Matches'], 'data'> & { data: Match[] }

// 供应链韧性 (TTR / TTS stress test)
/** items of GET /resilience/ranking (`Listing.data` is a list of objects) */
export type RiskRow = {
  node: string; name: string; firm: string | null; district: string | null; segment: string | null
  ttr: number; loss: number; tts: number | null; rei: number; at_risk: boolean
}
/** GET /resilience/ranking */
export type RiskListing = Omit<S['Listing'], 'data'> & { data: RiskRow[] }
/** items of GET /resilience/at-risk */
export type AtRiskRow = RiskRow & { extra_stock: number | null }
/** GET /resilience/at-risk */
export type AtRiskListing = Omit<S['Listing'], 'data'> & { data: AtRiskRow[] }
export type Backup = {
  backup: string; name: string; district: string | null; local: boolean; spare_per_day: number | null
  loss_before: number; loss_after: number; loss_averted: number; tts_after: number | null
}
/** GET /resilience/at-risk/{node} (no response model: an object of any fields) */
export type NodeActions = AtRiskRow & { backups: Backup[] }
/** items of GET /resilience/choke-points */
export type ChokePoint = {
  segment: string; supplier?: string; supplier_name?: string; district: string | null; oems: string[]
  ttr: number | null; loss: number | null
}
/** GET /resilience/choke-points */
export type ChokePointListing = Omit<S['Listing'], 'data'> & { data: ChokePoint[] }
/** GET /resilience/district (no response model: an object of any fields) */
export type DistrictScenario = {
  district: string; district_name: string; ttr: number | null; sites: number; loss: number; tts: number | null
  oems: { node: string; name: string; firm: string | null; units: number }[]
}
export type NetNode = {
  id: string; name: string; firm: string | null; segment: string | null; district: string | null
  local: boolean; finished: boolean; rei: number
}
/** GET /resilience/network (`nodes` and `edges` are lists of objects) */
export type NetworkView = Omit<S['NetworkView'], 'nodes' | 'edges'> & {
  nodes: NetNode[]; edges: { source: string; target: string; material: string }[]
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
