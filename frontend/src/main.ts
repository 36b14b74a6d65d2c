import { createApp } from 'vue'
import {
  ElAlert, ElButton, ElCard, ElCol, ElConfigProvider, ElDescriptions, ElDescriptionsItem, ElEmpty, ElForm, ElFormItem,
  ElInput, ElInputNumber, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRow, ElSelect,
  ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElUpload, ElLoading,
} from 'element-plus'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'
import './style.css'

const app = createApp(App)
for (const c of [ElAlert, ElButton, ElCard, ElCol, ElConfigProvider, ElDescriptions, ElDescriptionsItem, ElEmpty, ElForm,
  ElFormItem, ElInput, ElInputNumber, ElMenu, ElMenuItem, ElOption, ElPagination, ElRadio, ElRow,
  ElSelect, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElUpload]) app.use(c)
app.use(ElLoading)
app.use(i18n)
app.use(router)
app.mount('#app')
