// The allocation page's bar chart: allocated in percent of the contracted quantity, per
// catalog item, so items of different units share one axis. A static file, not an inline
// script (the Content-Security-Policy forbids those); the data comes from json_script.
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    })[c]);
  }

  function draw() {
    const source = document.getElementById("allocation-data");
    const element = document.getElementById("allocation-chart");
    if (!source || !element || typeof echarts === "undefined") {
      return;
    }
    const data = JSON.parse(source.textContent);
    const style = getComputedStyle(document.documentElement);
    const brand = style.getPropertyValue("--brand").trim() || "#0b4f9c";
    const warn = style.getPropertyValue("--warn").trim() || "#b45309";
    const line = style.getPropertyValue("--line").trim() || "#d9e2ec";
    const top = Math.max(100, ...data.percents);
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 28, bottom: 24, containLabel: true },
      legend: { top: 0, data: [data.allocated, data.contracted] },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        // Plain text only: ECharts' default tooltip carries inline styles the CSP refuses.
        formatter: (items) => {
          const index = items[0].dataIndex;
          return `${escapeHtml(data.names[index])}<br>${escapeHtml(data.details[index])}`;
        },
      },
      xAxis: {
        type: "value", min: 0, max: Math.ceil(top / 10) * 10,
        axisLabel: { formatter: "{value}%" },
        splitLine: { lineStyle: { color: line } },
      },
      yAxis: {
        type: "category", inverse: true, data: data.names,
        axisLabel: { width: 180, overflow: "truncate" },
      },
      series: [
        {
          name: data.contracted, type: "bar", barWidth: 14, silent: true, z: 1,
          itemStyle: { color: line }, data: data.names.map(() => 100),
        },
        {
          name: data.allocated, type: "bar", barWidth: 14, barGap: "-100%", z: 2,
          itemStyle: { color: brand },
          data: data.percents.map((percent) => ({
            value: percent, itemStyle: { color: percent >= 90 ? warn : brand },
          })),
          label: { show: true, position: "right", formatter: "{c}%" },
        },
      ],
    });
    window.addEventListener("resize", () => chart.resize());
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
