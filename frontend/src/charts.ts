// ECharts, only the parts the pages use (keeps the bundle small).
import * as echarts from 'echarts/core'
import { BarChart, LineChart, MapChart, ScatterChart, TreeChart } from 'echarts/charts'
import { GeoComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, MapSeriesOption, ScatterSeriesOption, TreeSeriesOption } from 'echarts/charts'
import type { GeoComponentOption, GridComponentOption, LegendComponentOption, TitleComponentOption, TooltipComponentOption, VisualMapComponentOption, MarkLineComponentOption } from 'echarts/components'

echarts.use([BarChart, LineChart, MapChart, ScatterChart, TreeChart, GeoComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer])

export type EChartsOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | MapSeriesOption | ScatterSeriesOption | TreeSeriesOption | GeoComponentOption | GridComponentOption | LegendComponentOption |
  TitleComponentOption | TooltipComponentOption | VisualMapComponentOption | MarkLineComponentOption
>
export { echarts }
