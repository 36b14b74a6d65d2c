// Whether the figures a page shows rest on illustrative or synthetic rows: the overview's own counts of
// unverified firms and links. Pages show a 示意 tag and a legend note when they do.
import { ref } from 'vue'
import { api, type Overview } from './api'

export function useIllustrative() {
  const marked = ref(false)
  const firms = ref(0)
  const links = ref(0)
  api<Overview>('/analytics/overview')
    .then((o) => {
      firms.value = o.unverified_enterprises
      links.value = o.unverified_links
      marked.value = o.unverified_enterprises + o.unverified_links > 0
    })
    .catch(() => { /* the page's own requests report errors */ })
  return { marked, firms, links }
}
