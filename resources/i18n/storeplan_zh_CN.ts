<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Areas</name>
    <message>
        <location filename="../../app/gui/areas/common.py" line="46" />
        <source>%1 is not available in this version yet.</source>
        <translation>此版本尚不提供%1。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/common.py" line="48" />
        <source>No results of %1 yet: Analysis → Run all stages (it needs the inputs it names in the status bar).</source>
        <translation>还没有%1的结果：请选择“分析 → 运行全部步骤”（所需输入会显示在状态栏）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="244" />
        <location filename="../../app/gui/areas/field.py" line="360" />
        <source>Editing the field plan is not available in this version yet.</source>
        <translation>此版本尚不支持编辑拜访计划。</translation>
    </message>
</context>
<context>
    <name>CrsPage</name>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="209" />
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="210" />
        <source>Coordinates from AMap or Tencent are GCJ-02, from Baidu BD-09, from GPS devices and OpenStreetMap WGS-84. StorePlan converts them to WGS-84.</source>
        <translation>高德或腾讯的坐标为 GCJ-02，百度为 BD-09，GPS 设备和 OpenStreetMap 为 WGS-84。StorePlan 会统一转换为 WGS-84。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="218" />
        <source>The file's coordinates are in</source>
        <translation>文件坐标系</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="225" />
        <source>Detected from the file: %1</source>
        <translation>从文件中识别：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="227" />
        <source>The file does not say; WGS-84 is assumed. Choose another if you know it.</source>
        <translation>文件中没有说明，默认为 WGS-84。如已知其他坐标系请另行选择。</translation>
    </message>
</context>
<context>
    <name>DistrictsArea</name>
    <message>
        <location filename="../../app/gui/areas/districts.py" line="22" />
        <source>Colour the districts by</source>
        <translation>片区着色依据</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/districts.py" line="43" />
        <source>%1 districts ranked by priority; first: %2.</source>
        <translation>%1 个片区按优先级排名；第一名：%2。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/districts.py" line="47" />
        <source>(outlines only)</source>
        <translation>（仅边界）</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="20" />
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="22" />
        <source>This file cannot be used: %1</source>
        <translation>无法使用该文件：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="24" />
        <source>The project file could not be used: %1</source>
        <translation>无法使用该项目文件：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="26" />
        <source>A parameter is not valid: %1</source>
        <translation>参数无效：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="30" />
        <source>Not enough memory for this task. Close other programs or use a smaller area.</source>
        <translation>内存不足，无法完成此任务。请关闭其他程序或缩小范围。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="32" />
        <source>StorePlan may not write there (%1). Choose another folder.</source>
        <translation>StorePlan 无权写入该位置（%1）。请选择其他文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="34" />
        <source>A file could not be read or written: %1</source>
        <translation>无法读取或写入文件：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/dialogs.py" line="35" />
        <source>An unexpected error occurred (%1). Details are in the log file: Help → Open log file.</source>
        <translation>发生意外错误（%1）。详情见日志文件：帮助 → 打开日志文件。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>Interactive map (map.html, opens offline in any browser)</source>
        <translation>交互地图（map.html，任何浏览器离线打开）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>Print map as image (map.png)</source>
        <translation>打印地图图片（map.png）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>Print map as PDF (map.pdf)</source>
        <translation>打印地图 PDF（map.pdf）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>Executive report (report.pdf)</source>
        <translation>管理层报告（report.pdf）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>Strategy workbook (strategy.xlsx)</source>
        <translation>策略工作簿（strategy.xlsx）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>GIS layers for QGIS or ArcGIS (storeplan.gpkg)</source>
        <translation>GIS 图层，供 QGIS 或 ArcGIS 使用（storeplan.gpkg）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="1" />
        <source>Maps and reports</source>
        <translation>地图与报告</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="36" />
        <location filename="../../app/gui/export_dialog.py" line="91" />
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="39" />
        <source>Open the folder when done</source>
        <translation>完成后打开文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="42" />
        <source>Outputs</source>
        <translation>输出内容</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="52" />
        <source>No output is available in this version yet.</source>
        <translation>此版本尚无可用的输出。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="58" />
        <source>All districts</source>
        <translation>全部片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="68" />
        <source>Landscape</source>
        <translation>横向</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="69" />
        <source>Portrait</source>
        <translation>纵向</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="73" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="79" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="80" />
        <source>District</source>
        <translation>片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="81" />
        <source>Paper size</source>
        <translation>纸张大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="82" />
        <source>Orientation</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="83" />
        <location filename="../../app/gui/export_dialog.py" line="111" />
        <source>Destination folder</source>
        <translation>目标文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="106" />
        <source>Result tables (CSV)</source>
        <translation>结果表（CSV）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="107" />
        <source>Route sheets for reps (Excel, calendar, GPX/KML)</source>
        <translation>业务员路线单（Excel、日历、GPX/KML）</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="108" />
        <source>Maps (PNG, PDF), executive report (PDF), Excel workbook, GeoPackage</source>
        <translation>地图（PNG、PDF）、管理层报告（PDF）、Excel 工作簿、GeoPackage</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="129" />
        <source>Choose at least one output.</source>
        <translation>请至少选择一项输出。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="136" />
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="150" />
        <source>%1 files written to %2.</source>
        <translation>已写出 %1 个文件到 %2。</translation>
    </message>
    <message>
        <location filename="../../app/gui/export_dialog.py" line="165" />
        <source>Export cancelled; no half-written file is left behind.</source>
        <translation>导出已取消；不会留下写了一半的文件。</translation>
    </message>
</context>
<context>
    <name>FieldArea</name>
    <message>
        <location filename="../../app/gui/areas/field.py" line="139" />
        <source>All routes on the map</source>
        <translation>地图上显示全部路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="148" />
        <source>Re-optimise (keep the plan)</source>
        <translation>重新优化（保留计划）</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="149" />
        <source>Re-solve only the routes you changed; every other route stays</source>
        <translation>只重新求解你改动过的路线；其他路线保持不变</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="150" />
        <source>Re-plan the rest</source>
        <translation>重新规划其余部分</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="151" />
        <source>Re-plan the days and routes of everything not locked</source>
        <translation>重新规划所有未锁定的日期与路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="155" />
        <source>Rep</source>
        <translation>业务员</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="161" />
        <source>Drag a visit to another day; right-click to move it to another rep or to lock a day. Click a day to see its route on the map.</source>
        <translation>把拜访拖到另一天；右键可改派给其他业务员或锁定某天。点击某天可在地图上查看当天路线。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="289" />
        <source>Day %1</source>
        <translation>第 %1 天</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="321" />
        <source>Visits: %1</source>
        <translation>拜访：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="324" />
        <source>Travel: %1 h</source>
        <translation>行程：%1 小时</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="326" />
        <source>Distance: %1 km</source>
        <translation>距离：%1 公里</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="329" />
        <source>Workload max/min: %1</source>
        <translation>工作量最大/最小比：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="330" />
        <source>Opening-hour violations: %1</source>
        <translation>营业时间冲突：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="334" />
        <source>Unscheduled visits: %1</source>
        <translation>未排入的拜访：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="372" />
        <source>Move visit of %1</source>
        <translation>移动 %1 的拜访</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="376" />
        <source>Lock route</source>
        <translation>锁定路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="376" />
        <source>Unlock route</source>
        <translation>解锁路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="380" />
        <source>Lock day</source>
        <translation>锁定日期</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="380" />
        <source>Unlock day</source>
        <translation>解锁日期</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="387" />
        <source>Re-optimise</source>
        <translation>重新优化</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="387" />
        <source>Re-plan</source>
        <translation>重新规划</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="388" />
        <source>Re-optimising the field plan…</source>
        <translation>正在重新优化拜访计划…</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="392" />
        <source>Re-optimisation cancelled.</source>
        <translation>已取消重新优化。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="396" />
        <source>Field plan re-optimised.</source>
        <translation>拜访计划已重新优化。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="410" />
        <source>Move to another rep or day…</source>
        <translation>改派到其他业务员或日期…</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="414" />
        <source>Unlock this route</source>
        <translation>解锁这条路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="414" />
        <source>Lock this route</source>
        <translation>锁定这条路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="416" />
        <source>Lock this day for every rep</source>
        <translation>为所有业务员锁定这一天</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="417" />
        <source>Unlock this day</source>
        <translation>解锁这一天</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="79" />
        <source>Choose a file</source>
        <translation>选择文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="80" />
        <source>CSV (UTF-8 or GBK), Excel, Parquet, GeoJSON, GeoPackage or Shapefile. You can also drop a file on the main window.</source>
        <translation>CSV（UTF-8 或 GBK）、Excel、Parquet、GeoJSON、GeoPackage 或 Shapefile。也可以把文件拖到主窗口上。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="83" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="86" />
        <source>Outlets (points of sale)</source>
        <translation>售点（销售网点）</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="86" />
        <source>Sales reps</source>
        <translation>业务员</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="87" />
        <source>Districts (polygons)</source>
        <translation>片区（多边形）</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="88" />
        <source>Location data layer (grid, points or H3)</source>
        <translation>位置数据图层（网格、点或 H3）</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="89" />
        <source>Travel matrix</source>
        <translation>行程矩阵</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="89" />
        <source>Sales lines</source>
        <translation>销售明细</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="90" />
        <source>Candidate sites (points)</source>
        <translation>候选选址点（点）</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="103" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="104" />
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="105" />
        <source>It holds</source>
        <translation>文件内容</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="114" />
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="114" />
        <source>Data files (*.csv *.txt *.tsv *.xlsx *.xls *.parquet *.geojson *.json *.gpkg *.shp *.zip);;All files (*)</source>
        <translation>数据文件 (*.csv *.txt *.tsv *.xlsx *.xls *.parquet *.geojson *.json *.gpkg *.shp *.zip);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>FrameView</name>
    <message>
        <location filename="../../app/gui/frame_view.py" line="36" />
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="40" />
        <source>Export selection…</source>
        <translation>导出所选…</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="41" />
        <source>Save the selected rows (or all rows shown) as CSV or Excel</source>
        <translation>把所选行（或显示的全部行）保存为 CSV 或 Excel</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="72" />
        <source>%1 rows</source>
        <translation>%1 行</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="73" />
        <source>%1 of %2 rows</source>
        <translation>%1 / %2 行</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="149" />
        <source>Export rows</source>
        <translation>导出行</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="150" />
        <source>CSV (*.csv);;Excel (*.xlsx)</source>
        <translation>CSV (*.csv);;Excel (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../app/gui/frame_view.py" line="156" />
        <source>The rows could not be saved</source>
        <translation>无法保存这些行</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="288" />
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="303" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="332" />
        <source>No such file.</source>
        <translation>文件不存在。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="335" />
        <source>Reading the first rows…</source>
        <translation>正在读取前几行…</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="353" />
        <source>Columns: %1</source>
        <translation>列：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="375" />
        <source>Import %1</source>
        <translation>导入%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="381" />
        <source>Imported %1 rows into %2.</source>
        <translation>已导入 %1 行到%2。</translation>
    </message>
</context>
<context>
    <name>InspectorPanel</name>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="74" />
        <source>Score and potential</source>
        <translation>评分与潜力</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="81" />
        <source>Why this score</source>
        <translation>评分原因</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="85" />
        <source>Strategy</source>
        <translation>铺货策略</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="93" />
        <source>Visits (%1)</source>
        <translation>拜访（%1 次）</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="96" />
        <source>No data about this outlet.</source>
        <translation>没有关于此售点的数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="108" />
        <source>This cell has no data.</source>
        <translation>此网格没有数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="129" />
        <source>Totals over the plan</source>
        <translation>计划期合计</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="131" />
        <source>No data about this item.</source>
        <translation>没有关于此项的数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/inspector.py" line="139" />
        <source>Click an outlet, hexagon, district or site on the map, or a row in a table, to see its details here.</source>
        <translation>在地图上点击售点、六边形、片区或选址点，或在表格中点选一行，即可在此查看详情。</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../app/gui/labels.py" line="15" />
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="15" />
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="20" />
        <source>Outlets</source>
        <translation>售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="21" />
        <source>Reps</source>
        <translation>业务员</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="22" />
        <source>Districts</source>
        <translation>片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="23" />
        <source>Travel matrix</source>
        <translation>行程矩阵</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="24" />
        <source>Sales lines</source>
        <translation>销售明细</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="25" />
        <source>Candidate sites</source>
        <translation>候选选址点</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="26" />
        <source>H3 grid layer</source>
        <translation>H3 网格图层</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="27" />
        <source>District ranking</source>
        <translation>片区排名</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="28" />
        <source>Outlet scores</source>
        <translation>售点评分</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="29" />
        <location filename="../../app/gui/labels.py" line="48" />
        <source>Expansion list</source>
        <translation>拓展名单</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="30" />
        <source>Sites</source>
        <translation>选址</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="31" />
        <source>Trade areas</source>
        <translation>商圈范围</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="32" />
        <source>Outlet strategy</source>
        <translation>售点策略</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="33" />
        <source>Territories</source>
        <translation>辖区</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="34" />
        <source>Routes</source>
        <translation>拜访路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="35" />
        <source>Rep summary</source>
        <translation>业务员汇总</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="36" />
        <source>Unscheduled visits</source>
        <translation>未排入的拜访</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="46" />
        <source>District insight</source>
        <translation>片区洞察</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="47" />
        <source>Outlet scoring</source>
        <translation>售点评分</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="49" />
        <source>Store siting</source>
        <translation>门店选址</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="50" />
        <source>Distribution strategy</source>
        <translation>铺货策略</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="51" />
        <source>Field planning</source>
        <translation>拜访规划</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="61" />
        <source>Hypermarket</source>
        <translation>大卖场</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="62" />
        <source>Supermarket</source>
        <translation>超市</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="63" />
        <source>Convenience store</source>
        <translation>便利店</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="64" />
        <source>Traditional trade</source>
        <translation>传统渠道（夫妻店）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="65" />
        <source>Catering</source>
        <translation>餐饮</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="66" />
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="67" />
        <source>Default (all channels)</source>
        <translation>默认（所有渠道）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="77" />
        <source>Outlet</source>
        <translation>售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="78" />
        <source>H3 cell</source>
        <translation>H3 网格</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="79" />
        <location filename="../../app/gui/labels.py" line="102" />
        <source>District</source>
        <translation>片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="80" />
        <source>Site</source>
        <translation>选址点</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="81" />
        <source>Route stop</source>
        <translation>路线站点</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="87" />
        <source>WGS-84 (GPS, OpenStreetMap)</source>
        <translation>WGS-84（GPS、OpenStreetMap）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="88" />
        <source>GCJ-02 (AMap, Tencent)</source>
        <translation>GCJ-02（高德、腾讯）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="89" />
        <source>BD-09 (Baidu)</source>
        <translation>BD-09（百度）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="95" />
        <source>Outlet ID</source>
        <translation>售点编号</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="96" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="97" />
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="98" />
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="99" />
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="100" />
        <source>Covered</source>
        <translation>已铺货</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="101" />
        <source>Sales</source>
        <translation>销售额</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="103" />
        <source>District ID</source>
        <translation>片区编号</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="104" />
        <source>Opens</source>
        <translation>开门</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="105" />
        <source>Closes</source>
        <translation>打烊</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="106" />
        <source>Service (min)</source>
        <translation>拜访时长（分钟）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="107" />
        <source>Visits</source>
        <translation>拜访次数</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="108" />
        <source>Demand</source>
        <translation>需求量</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="109" />
        <source>Rep ID</source>
        <translation>业务员编号</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="110" />
        <source>Shift start</source>
        <translation>上班时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="111" />
        <source>Shift end</source>
        <translation>下班时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="112" />
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="113" />
        <source>Priority score</source>
        <translation>优先级得分</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="114" />
        <source>Score</source>
        <translation>评分</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="115" />
        <source>Potential</source>
        <translation>潜力</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="116" />
        <source>Potential (low)</source>
        <translation>潜力（下限）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="117" />
        <source>Potential (high)</source>
        <translation>潜力（上限）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="118" />
        <source>Gap</source>
        <translation>差距</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="119" />
        <source>Rank in district</source>
        <translation>片区内排名</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="120" />
        <source>Tier</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="121" />
        <source>Expected sales</source>
        <translation>预期销售额</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="122" />
        <source>Cannibalised sales</source>
        <translation>分流销售额</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="123" />
        <source>Net sales</source>
        <translation>净销售额</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="124" />
        <source>Site ID</source>
        <translation>选址编号</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="125" />
        <source>Chosen</source>
        <translation>已选</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="126" />
        <source>Segment</source>
        <translation>细分类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="127" />
        <source>Price band</source>
        <translation>价格带</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="128" />
        <source>Promotion</source>
        <translation>促销方式</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="129" />
        <source>Visits per month</source>
        <translation>每月拜访次数</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="130" />
        <source>Recommended products</source>
        <translation>推荐产品</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="131" />
        <source>Day</source>
        <translation>日</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="132" />
        <source>Stop</source>
        <translation>站序</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="133" />
        <source>Arrival</source>
        <translation>到达</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="134" />
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="135" />
        <source>Departure</source>
        <translation>离开</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="136" />
        <source>Travel (s)</source>
        <translation>行程（秒）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="137" />
        <source>Travel (m)</source>
        <translation>行程（米）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="138" />
        <source>Visits missing</source>
        <translation>缺少的拜访</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="139" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="140" />
        <source>Residents</source>
        <translation>居住人口</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="141" />
        <source>Workers</source>
        <translation>工作人口</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="142" />
        <source>Visitors</source>
        <translation>到访人口</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="143" />
        <source>Consumption index</source>
        <translation>消费指数</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="144" />
        <source>Target audience</source>
        <translation>目标人群</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="145" />
        <source>Purchasing power</source>
        <translation>购买力</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="146" />
        <source>Coverage</source>
        <translation>铺货率</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="147" />
        <source>Headroom</source>
        <translation>增长空间</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="148" />
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="149" />
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="150" />
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="151" />
        <source>Action</source>
        <translation>处理</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="152" />
        <source>Detail</source>
        <translation>说明</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="153" />
        <source>Explanation</source>
        <translation>解释</translation>
    </message>
</context>
<context>
    <name>LayersPanel</name>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="68" />
        <source>Show every candidate site</source>
        <translation>显示全部候选点位</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="69" />
        <source>Off: only the chosen sites and their trade areas</source>
        <translation>关闭时只显示选定点位及其商圈</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="26" />
        <source>Show and opacity</source>
        <translation>显示与不透明度</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="38" />
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="43" />
        <source>Hexagons</source>
        <translation>六边形</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="47" />
        <source>Quantiles</source>
        <translation>分位数</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="47" />
        <source>Natural breaks</source>
        <translation>自然断点</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="48" />
        <source>Equal intervals</source>
        <translation>等间距</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="56" />
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="57" />
        <source>Classes</source>
        <translation>分级方法</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="58" />
        <source>Number of classes</source>
        <translation>分级数</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="59" />
        <source>Palette</source>
        <translation>配色</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="61" />
        <source>Districts and outlets</source>
        <translation>片区与售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="65" />
        <source>Districts coloured by</source>
        <translation>片区着色依据</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="66" />
        <source>Outlets coloured by</source>
        <translation>售点着色依据</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="84" />
        <source>Districts</source>
        <translation>片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="84" />
        <source>Hexagons (H3)</source>
        <translation>六边形（H3）</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="85" />
        <source>Outlets</source>
        <translation>售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="85" />
        <source>Expansion list</source>
        <translation>拓展名单</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="86" />
        <source>Sites</source>
        <translation>选址</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="86" />
        <source>Routes</source>
        <translation>拜访路线</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/layers.py" line="104" />
        <source>(outlines only)</source>
        <translation>（仅边界）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="90" />
        <source>Districts</source>
        <translation>片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="91" />
        <source>Outlets</source>
        <translation>售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="92" />
        <source>Sites</source>
        <translation>选址</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="93" />
        <source>Field</source>
        <translation>拜访执行</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="94" />
        <source>Scenarios</source>
        <translation>方案对比</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="109" />
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="110" />
        <source>Parameters</source>
        <translation>参数</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="112" />
        <source>Inspector</source>
        <translation>详情</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="113" />
        <source>Tables</source>
        <translation>表格</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="168" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="192" />
        <source>&amp;New project</source>
        <translation>新建项目(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="193" />
        <source>Start an empty project and import your data</source>
        <translation>新建空项目并导入你的数据</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="194" />
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="195" />
        <source>Open a StorePlan project</source>
        <translation>打开 StorePlan 项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="196" />
        <source>Open the &amp;sample city</source>
        <translation>打开示例城市(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="197" />
        <source>The demo project: a synthetic city, already analysed</source>
        <translation>演示项目：一座已完成分析的模拟城市</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="198" />
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="199" />
        <source>Save the project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="200" />
        <source>Save &amp;as…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="201" />
        <source>&amp;Import data…</source>
        <translation>导入数据(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="203" />
        <source>Import outlets, reps, districts or a grid layer from a file</source>
        <translation>从文件导入售点、业务员、片区或网格图层</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="204" />
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="206" />
        <source>Write maps, reports and tables for review</source>
        <translation>导出地图、报告和表格供审阅</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="207" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="208" />
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="211" />
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="214" />
        <source>Run &amp;all stages</source>
        <translation>运行全部步骤(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="216" />
        <source>Run every analysis stage on the current data</source>
        <translation>对当前数据运行全部分析步骤</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="217" />
        <source>Run &amp;missing stages</source>
        <translation>运行缺少的步骤(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="218" />
        <source>&amp;Cancel the running task</source>
        <translation>取消正在运行的任务(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="222" />
        <source>Run %1</source>
        <translation>运行%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="225" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="226" />
        <source>Open &amp;log file</source>
        <translation>打开日志文件(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="227" />
        <source>&amp;User guide</source>
        <translation>用户指南(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="228" />
        <source>&amp;About StorePlan</source>
        <translation>关于 StorePlan(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="232" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="235" />
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="245" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="250" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="253" />
        <source>&amp;Analysis</source>
        <translation>分析(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="261" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="268" />
        <source>Main</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="339" />
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="378" />
        <source>Not run yet: %1. Analysis → Run missing stages.</source>
        <translation>尚未运行：%1。请选择“分析 → 运行缺少的步骤”。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="391" />
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="392" />
        <source>The project has changes that are not saved. Save them first?</source>
        <translation>项目有未保存的修改。要先保存吗？</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="405" />
        <location filename="../../app/gui/main_window.py" line="585" />
        <source>New project</source>
        <translation>新项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="406" />
        <source>New project: import outlets and other data with File → Import data.</source>
        <translation>新项目：请通过“文件 → 导入数据”导入售点等数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="411" />
        <source>Open project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="424" />
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="426" />
        <source>The project could not be opened</source>
        <translation>无法打开项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="434" />
        <source>Opened %1.</source>
        <translation>已打开 %1。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="441" />
        <source>Opening the sample city…</source>
        <translation>正在打开示例城市…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="443" />
        <location filename="../../app/gui/main_window.py" line="452" />
        <source>The sample city could not be opened</source>
        <translation>无法打开示例城市</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="449" />
        <source>Preparing the sample city (the first start takes a while)…</source>
        <translation>正在准备示例城市（首次启动需要一些时间）…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="455" />
        <source>Sample city opened.</source>
        <translation>已打开示例城市。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="474" />
        <source>Save project as</source>
        <translation>项目另存为</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="484" />
        <source>Saving %1…</source>
        <translation>正在保存 %1…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="497" />
        <source>Saved %1.</source>
        <translation>已保存 %1。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="501" />
        <source>The project could not be saved</source>
        <translation>无法保存项目</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="515" />
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="527" />
        <source>Parameters changed: Analysis → Run missing stages to update the results.</source>
        <translation>参数已修改：请选择“分析 → 运行缺少的步骤”更新结果。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="541" />
        <source>Every stage is up to date.</source>
        <translation>所有分析步骤都是最新的。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="550" />
        <source>No analysis stage is available in this version yet.</source>
        <translation>此版本尚无可用的分析步骤。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="554" />
        <source>Running: %1…</source>
        <translation>正在运行：%1…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="558" />
        <source>The analysis stopped</source>
        <translation>分析已停止</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="559" />
        <source>Analysis cancelled; earlier results are kept.</source>
        <translation>分析已取消；保留先前的结果。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="568" />
        <source>Analysis done.</source>
        <translation>分析完成。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="570" />
        <source>Skipped: %1</source>
        <translation>已跳过：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="573" />
        <source>Field plan out of date: Analysis → Run missing stages.</source>
        <translation>拜访计划已过期：分析 → 运行缺少的步骤。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="640" />
        <source>The user guide is not installed.</source>
        <translation>未安装用户指南。</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="643" />
        <source>About StorePlan</source>
        <translation>关于 StorePlan</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="644" />
        <source>&lt;h3&gt;StorePlan %1&lt;/h3&gt;&lt;p&gt;Retail store siting and sales-channel planning on H3 hexagons: district insight, outlet scoring, expansion lists, store siting, distribution strategy and field routes.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;StorePlan 门店与渠道规划 %1&lt;/h3&gt;&lt;p&gt;基于 H3 六边形网格的门店选址与销售渠道规划：片区洞察、售点评分、拓展名单、门店选址、铺货策略与拜访路线。&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="656" />
        <source>Restore unsaved work?</source>
        <translation>恢复未保存的工作？</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="657" />
        <source>StorePlan did not close properly last time. Restore the unsaved work on “%1” from %2?</source>
        <translation>StorePlan 上次没有正常关闭。是否恢复“%1”在 %2 的未保存工作？</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="669" />
        <source>The unsaved work could not be restored</source>
        <translation>无法恢复未保存的工作</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="675" />
        <source>Unsaved work restored: save it to keep it.</source>
        <translation>已恢复未保存的工作：请保存以免丢失。</translation>
    </message>
</context>
<context>
    <name>MapLayers</name>
    <message>
        <location filename="../../app/gui/map_spec.py" line="142" />
        <source>Districts</source>
        <translation>片区</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_spec.py" line="156" />
        <source>Outlets</source>
        <translation>售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_spec.py" line="164" />
        <source>Expansion list</source>
        <translation>拓展名单</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_spec.py" line="168" />
        <source>Sites</source>
        <translation>选址</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_spec.py" line="171" />
        <source>Routes</source>
        <translation>拜访路线</translation>
    </message>
</context>
<context>
    <name>MapView</name>
    <message>
        <location filename="../../app/gui/map_view.py" line="114" />
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_view.py" line="134" />
        <source>No project open. File → Open, or File → New and import data.</source>
        <translation>没有打开的项目。请选择“文件 → 打开”，或“文件 → 新建”后导入数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_view.py" line="137" />
        <source>The map engine is not available in this version yet; the tables and work areas show the data.</source>
        <translation>此版本尚无地图引擎；请在表格和工作区中查看数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/map_view.py" line="157" />
        <source>The map could not be drawn: %1</source>
        <translation>无法绘制地图：%1</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="164" />
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="165" />
        <source>Which column of the file holds each field. Detected automatically (Chinese headers too); change any that are wrong.</source>
        <translation>文件中哪一列对应哪个字段。已自动识别（包括中文表头）；如有错误请修改。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="187" />
        <source>(not in the file)</source>
        <translation>（文件中没有）</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <location filename="../../app/gui/areas/field.py" line="106" />
        <source>Move visit</source>
        <translation>移动拜访</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="115" />
        <source>To rep</source>
        <translation>改派给</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/field.py" line="116" />
        <source>On day</source>
        <translation>日期</translation>
    </message>
</context>
<context>
    <name>OutletsArea</name>
    <message>
        <location filename="../../app/gui/areas/outlets.py" line="27" />
        <source>Scores and tiers</source>
        <translation>评分与等级</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/outlets.py" line="28" />
        <source>Expansion list</source>
        <translation>拓展名单</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/outlets.py" line="45" />
        <source>%1 outlets scored. Tiers: %2</source>
        <translation>已评分售点 %1 个。等级：%2</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/outlets.py" line="48" />
        <source>%1 prospects on the expansion list.</source>
        <translation>拓展名单上有 %1 个潜在售点。</translation>
    </message>
</context>
<context>
    <name>ParametersPanel</name>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="390" />
        <source>Re-run the analysis when a parameter changes</source>
        <translation>参数修改后自动重新分析</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="411" />
        <source>Not available yet in this version.</source>
        <translation>此版本尚不提供。</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../app/gui/preferences.py" line="15" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="17" />
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="23" />
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="24" />
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="26" />
        <source>Re-run the analysis when a parameter changes</source>
        <translation>参数修改后自动重新分析</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="29" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="30" />
        <source>Autosave every</source>
        <translation>自动保存间隔</translation>
    </message>
    <message>
        <location filename="../../app/gui/preferences.py" line="32" />
        <source>A new language applies the next time StorePlan starts.</source>
        <translation>新的语言将在下次启动 StorePlan 时生效。</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="137" />
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="138" />
        <source>The first rows of the file as read. Check the characters and the columns.</source>
        <translation>按读取结果显示的前几行。请检查文字和列是否正确。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="149" />
        <source>Format: %1</source>
        <translation>格式：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="151" />
        <source>Encoding: %1</source>
        <translation>编码：%1</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="153" />
        <source>Delimiter: %1</source>
        <translation>分隔符：%1</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="234" />
        <source>Intake report</source>
        <translation>导入报告</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="235" />
        <source>What was read, what was repaired, and every problem row. Nothing is dropped silently.</source>
        <translation>读取了什么、修复了什么，以及每一个问题行。不会悄悄丢弃任何数据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="242" />
        <source>Export problem rows…</source>
        <translation>导出问题行…</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="246" />
        <source>Problem rows</source>
        <translation>问题行</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="252" />
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="267" />
        <source>No usable rows: fix the file or the column mapping and try again.</source>
        <translation>没有可用的行：请修正文件或列对应关系后重试。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_wizard.py" line="274" />
        <source>Go back to change the column mapping or the coordinate system, or fix the file.</source>
        <translation>请返回修改列对应关系或坐标系，或修正文件。</translation>
    </message>
</context>
<context>
    <name>RoutingForm</name>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="331" />
        <source>Walking</source>
        <translation>步行</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="331" />
        <source>E-bike / scooter</source>
        <translation>电动车</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="331" />
        <source>Car</source>
        <translation>汽车</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="335" />
        <source>Least travel time</source>
        <translation>最短行程时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="335" />
        <source>Balanced workload</source>
        <translation>均衡工作量</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="341" />
        <source>Working days in the plan</source>
        <translation>计划工作日数</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="342" />
        <source>Travel mode</source>
        <translation>出行方式</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="343" />
        <source>Objective</source>
        <translation>优化目标</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="344" />
        <source>Search time</source>
        <translation>搜索时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="345" />
        <source>Circuity factor</source>
        <translation>绕行系数</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="348" />
        <source>Field planning takes a while: run it from Analysis → Run field planning or the Field area.</source>
        <translation>拜访规划需要一些时间：请从“分析 → 运行拜访规划”或“拜访执行”工作区启动。</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="357" />
        <source>Change routing parameters</source>
        <translation>修改路线参数</translation>
    </message>
</context>
<context>
    <name>ScenariosArea</name>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="77" />
        <source>Keep the current parameters and results under a name, change something, keep that too, and compare them here side by side.</source>
        <translation>把当前参数和结果以一个名称保存，修改后再保存一个，即可在此并排比较。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="81" />
        <source>Keep as scenario…</source>
        <translation>保存为方案…</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="82" />
        <source>Restore parameters</source>
        <translation>恢复参数</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="83" />
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="99" />
        <source>Outlets scored</source>
        <translation>已评分售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="99" />
        <source>Tier A outlets</source>
        <translation>A 级售点</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="100" />
        <source>Expansion list</source>
        <translation>拓展名单</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="100" />
        <source>Expansion net sales</source>
        <translation>拓展净销售额</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="101" />
        <source>Sites chosen</source>
        <translation>已选新址</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="101" />
        <source>Net sales of chosen sites</source>
        <translation>所选新址净销售额</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="102" />
        <source>Visits planned</source>
        <translation>计划拜访次数</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="102" />
        <source>Travel (hours)</source>
        <translation>行程（小时）</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="103" />
        <source>Unscheduled visits</source>
        <translation>未排入的拜访</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="116" />
        <source>Keep scenario %1</source>
        <translation>保存方案 %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="121" />
        <source>Restore scenario %1</source>
        <translation>恢复方案 %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="130" />
        <source>Delete scenario %1</source>
        <translation>删除方案 %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="137" />
        <source>Keep as scenario</source>
        <translation>保存为方案</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="137" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="138" />
        <source>Scenario %1</source>
        <translation>方案 %1</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/scenarios.py" line="161" />
        <source>Now</source>
        <translation>当前</translation>
    </message>
</context>
<context>
    <name>ScoringForm</name>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="132" />
        <source>Scoring weights</source>
        <translation>评分权重</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="136" />
        <source>Weights are normalised; a negative weight lowers the score.</source>
        <translation>权重会自动归一化；负权重会降低评分。</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="140" />
        <source>Tier cut-offs (share of each district's outlets)</source>
        <translation>等级划分（各片区售点占比）</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="144" />
        <source>Tier %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="147" />
        <source>Tier D</source>
        <translation>D 级</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="149" />
        <source>Target audience (TA)</source>
        <translation>目标人群（TA）</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="158" />
        <location filename="../../app/gui/docks/parameters.py" line="159" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="160" />
        <source>Only cells where</source>
        <translation>仅统计以下网格：</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="161" />
        <source>is at least</source>
        <translation>不低于</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="162" />
        <source>and at most</source>
        <translation>且不超过</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="166" />
        <source>Catchment</source>
        <translation>商圈</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="173" />
        <source>Radius</source>
        <translation>半径</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="174" />
        <source>Distance decay</source>
        <translation>距离衰减</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="179" />
        <source>Weights for</source>
        <translation>权重适用于</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="189" />
        <source>Change scoring parameters</source>
        <translation>修改评分参数</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="217" />
        <source>(every cell)</source>
        <translation>（所有网格）</translation>
    </message>
</context>
<context>
    <name>SitesArea</name>
    <message>
        <location filename="../../app/gui/areas/sites.py" line="36" />
        <source>%1 candidates, %2 chosen.</source>
        <translation>%1 个候选点，已选 %2 个。</translation>
    </message>
    <message>
        <location filename="../../app/gui/areas/sites.py" line="38" />
        <source>Net new sales of the chosen sites: %1.</source>
        <translation>所选新址的净新增销售额：%1。</translation>
    </message>
</context>
<context>
    <name>SitingForm</name>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="285" />
        <source>New sites to choose</source>
        <translation>新选址数量</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="286" />
        <source>Distance decay β (Huff)</source>
        <translation>距离衰减系数 β（Huff）</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="287" />
        <source>Distance cut-off</source>
        <translation>距离上限</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="288" />
        <source>Min. distance to own stores</source>
        <translation>与自有门店的最小距离</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="289" />
        <source>Min. spacing between new sites</source>
        <translation>新选址之间的最小间距</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="296" />
        <source>Change siting parameters</source>
        <translation>修改选址参数</translation>
    </message>
</context>
<context>
    <name>StageForm</name>
    <message>
        <location filename="../../app/gui/docks/parameters.py" line="92" />
        <source>Change parameters</source>
        <translation>修改参数</translation>
    </message>
</context>
<context>
    <name>TablesPanel</name>
    <message>
        <location filename="../../app/gui/docks/tables.py" line="25" />
        <source>No table yet: open a project or import data (File → Import data).</source>
        <translation>还没有表格：请打开项目或导入数据（文件 → 导入数据）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/tables.py" line="29" />
        <source>Table:</source>
        <translation>表格：</translation>
    </message>
    <message>
        <location filename="../../app/gui/docks/tables.py" line="93" />
        <source>Tables</source>
        <translation>表格</translation>
    </message>
</context>
<context>
    <name>Guide</name>
    <message>
        <location filename="../../app/gui/dialogs.py" line="1" />
        <source>StorePlan user guide</source>
        <translation>StorePlan 用户指南</translation>
    </message>
</context>
</TS>