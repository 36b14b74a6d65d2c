// Client of the documented API (/openapi.json). Every page reads its data through here.
//
// The types are those of ./api-types.ts, generated from the API's OpenAPI document
// (.venv/bin/python scripts/gen_api_types.py; tests/test_api_types.py fails when it is stale). Pages import
// the names below, never a hand-written shape of an answer.

import type { components, paths } from './api-types'
import { t } from './i18n'

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
/** needs and offers as listed, with the buyer's, supplier's and segments' names */
export type ListedNeed = S['ListedNeed'] & { id: string }
export type ListedOffer = S['ListedOffer'] & { id: string }
// 动力电池溯源
export type BatteryUnit = S['BatteryUnitOut']
export type BatteryTrace = S['BatteryTraceOut']
export type ReporterBoard = S['BatteryActorOut']
export type BatteryUnitPage = S['BatteryUnitPage']
export type ReporterBoardPage = S['BatteryActorPage']
export type RecyclingPicture = S['RecyclingPictureOut']

export type CatchUp = NonNullable<S['Assessment']['catch_up']>[number]
export type Assessment = S['Assessment']
export type TargetDetail = S['TargetDetail']
/** GET /districts/geojson: a GeoJSON FeatureCollection, handed to ECharts as it is */
export type DistrictGeoJson = GetResponse<'/api/v1/districts/geojson'>

// 招商 / 培育 / 供需对接 (value and points are null when a part is withheld from this role)
export type InvestCandidate = S['Candidate']
export type ScorePart = InvestCandidate['parts'][number]
export type SegmentTargets = S['SegmentTargets']
export type DistrictGroup = S['DistrictGroup']
export type Recommendations = S['Recommendations']
export type Lead = S['Lead']
export type Funnel = S['Funnel']
export type CriterionCheck = S['Check']
export type TierAssessment = S['TierAssessment']
export type CultivateList = S['CultivateList']
export type TransformCandidate = S['TransformCandidate']
export type MatchPart = S['MatchPart']
export type Match = S['Match']
export type Matches = S['Matches']

// 供应链韧性 (TTR / TTS stress test)
/** items of GET /resilience/ranking */
export type RiskRow = S['RankedSite']
/** GET /resilience/ranking */
export type RiskListing = S['Listing_RankedSite_']
/** items of GET /resilience/at-risk */
export type AtRiskRow = S['AtRiskSite']
/** GET /resilience/at-risk */
export type AtRiskListing = S['Listing_AtRiskSite_']
export type Backup = S['Backup']
/** GET /resilience/at-risk/{node} */
export type NodeActions = S['SiteActions']
/** items of GET /resilience/choke-points (viewers get them without the supplier) */
export type ChokePoint = S['SoleSource'] & Partial<Pick<S['ChokePoint'], 'supplier' | 'supplier_name'>>
/** GET /resilience/choke-points */
export type ChokePointListing = Omit<S['Listing_SoleSource_'], 'data'> & { data: ChokePoint[] }
/** GET /resilience/district */
export type DistrictScenario = S['DistrictImpact']
export type NetNode = S['NetworkNode']
/** GET /resilience/network */
export type NetworkView = S['NetworkView']

// 充换电与车路云: site proposals and the build plan (POST /infra/proposals, GET /infra/plan)
export type InfraProposal = S['ProposalOut']
export type ProposedSite = S['ProposedSiteOut']
export type InfraPlan = S['BuildPlanOut']
export type InfraPlanYear = S['PlanYearOut']

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
    throw new ApiError(r.status, typeof body.detail === 'string' ? body.detail : t('common.requestFailed', { status: r.status }))
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
