/* Dashboard charts: every bar opens the hazard list filtered to exactly the hazards it counts. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var COLORS = { found: "#0d6efd", closed: "#198754", overdue: "#dc3545" };
  var NAMES = { found: "本期发现", closed: "已销号", overdue: "当前逾期" };
  var charts = [];
  var narrow = window.matchMedia("(max-width: 576px)").matches;

  function make(id, option, urlOf) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    option.textStyle = { fontFamily: "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" };
    chart.setOption(option);
    chart.on("click", function (p) {
      var url = urlOf(p);
      if (url) { window.location.href = url; }
    });
    chart.getZr().on("mousemove", function () { el.style.cursor = "pointer"; });
    charts.push(chart);
  }

  function grouped(id, rows, horizontal) {
    var keys = ["found", "closed", "overdue"];
    var labels = rows.map(function (r) { return r.label; });
    var category = { type: "category", data: labels, axisLabel: { interval: 0, fontSize: 11 } };
    var value = { type: "value", minInterval: 1 };
    if (horizontal) {
      category.inverse = true;
      category.axisLabel.width = narrow ? 60 : 90;
      category.axisLabel.overflow = "truncate";
    } else {
      category.axisLabel.rotate = labels.length > 4 ? 35 : 0;
    }
    make(id, {
      color: keys.map(function (k) { return COLORS[k]; }),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, data: keys.map(function (k) { return NAMES[k]; }) },
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: keys.map(function (k) {
        return { name: NAMES[k], type: "bar", barMaxWidth: 24, data: rows.map(function (r) { return r[k].value; }) };
      }),
    }, function (p) { var r = rows[p.dataIndex]; return r && r[keys[p.seriesIndex]].url; });
  }

  grouped("chart-region", data.by_region, false);
  grouped("chart-sector", data.by_sector, true);

  make("chart-trend", {
    color: [COLORS.found, COLORS.closed],
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["发现", "销号"] },
    grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: data.trend.map(function (m) { return m.month.slice(2).replace("-", "/"); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "发现", type: "bar", barMaxWidth: 18, data: data.trend.map(function (m) { return m.found.value; }) },
      { name: "销号", type: "bar", barMaxWidth: 18, data: data.trend.map(function (m) { return m.closed.value; }) },
    ],
  }, function (p) { var m = data.trend[p.dataIndex]; return m && m[p.seriesIndex === 0 ? "found" : "closed"].url; });

  function simple(id, rows, color) {
    make(id, {
      color: [color],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 30, top: 10, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.label; }) },
      series: [{ type: "bar", barMaxWidth: 28, label: { show: true, position: "right" }, data: rows.map(function (r) { return r.value; }) }],
    }, function (p) { var r = rows[p.dataIndex]; return r && r.url; });
  }
  simple("chart-funnel", data.funnel, "#6f42c1");
  simple("chart-ageing", data.ageing, COLORS.overdue);

  function resizeAll() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
  var print = window.matchMedia("print");
  if (print.addEventListener) { print.addEventListener("change", resizeAll); }
})();
