// ECharts, only the parts the pages use (keeps the bundle small).
import * as echarts from 'echarts/core'
import { BarChart, LineChart, MapChart, TreeChart } from 'echarts/charts'
import { GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, MapSeriesOption, TreeSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption, TitleComponentOption, TooltipComponentOption, VisualMapComponentOption, MarkLineComponentOption } from 'echarts/components'

echarts.use([BarChart, LineChart, MapChart, TreeChart, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent, VisualMapComponent, CanvasRenderer])

export type EChartsOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | MapSeriesOption | TreeSeriesOption | GridComponentOption | LegendComponentOption |
  TitleComponentOption | TooltipComponentOption | VisualMapComponentOption | MarkLineComponentOption
>
export { echarts }
