// The KPI pages' charts: availability and utilization by system (bars) on the dashboard,
// and one host's usage over a period (lines). A static file, not an inline script (the
// Content-Security-Policy forbids those): each chart is a <div data-chart=… data-source=…>
// whose data comes from the json_script element the data-source names. The tables on the
// same pages show the same figures without JavaScript.
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({
      "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;",
    })[c]);
  }

  function colours() {
    const style = getComputedStyle(document.documentElement);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      brand: read("--brand", "#0b4f9c"), warn: read("--warn", "#b45309"),
      bad: read("--bad", "#b91c1c"), ok: read("--ok", "#1f7a3f"), line: read("--line", "#d9e2ec"),
      muted: read("--muted", "#616e7c"),
    };
  }

  function number(value, digits) {
    if (value === null || value === undefined) {
      return "—";
    }
    return String(Number(value.toFixed(digits)));
  }

  // Plain text only: ECharts' default tooltip carries inline styles the CSP refuses.
  function axisTooltip(title, unit, digits) {
    return (items) => {
      const lines = [escapeHtml(title(items[0].dataIndex))];
      for (const item of items) {
        lines.push(`${escapeHtml(item.seriesName)}: ${number(item.value, digits)}${unit}`);
      }
      return lines.join("<br>");
    };
  }

  function targetLine(value, label, colour) {
    if (value === null || value === undefined) {
      return undefined;
    }
    return {
      silent: true, symbol: "none", lineStyle: { color: colour, type: "dashed" },
      // The category axes run top-down (inverse), so the line's start is at the top.
      label: { formatter: `${label} ${value}%`, color: colour, position: "start" },
      data: [{ xAxis: value }],
    };
  }

  function barHeight(element, count) {
    element.style.height = `${Math.max(240, count * 30 + 70)}px`;
  }

  function systemAvailability(element, data, c) {
    barHeight(element, data.names.length);
    const values = data.availability.filter((value) => value !== null);
    const lowest = Math.min(data.availability_target ?? 100, ...values);
    const floor = Math.max(0, Math.floor(lowest / 5) * 5 - 5);
    const target = data.availability_target;
    return {
      grid: { left: 8, right: 64, top: 28, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: axisTooltip((index) => data.names[index], "%", 3),
      },
      xAxis: { type: "value", min: floor, max: 100, axisLabel: { formatter: "{value}%" },
               splitLine: { lineStyle: { color: c.line } } },
      yAxis: { type: "category", inverse: true, data: data.names,
               axisLabel: { width: 180, overflow: "truncate" } },
      series: [{
        name: data.labels.availability, type: "bar", barWidth: 14,
        data: data.availability.map((value) => ({
          value: value,
          itemStyle: { color: target !== null && value !== null && value < target ? c.bad : c.brand },
        })),
        label: { show: true, position: "right", formatter: (item) => `${number(item.value, 2)}%` },
        markLine: targetLine(target, data.labels.target, c.ok),
      }],
    };
  }

  function systemUtilization(element, data, c) {
    barHeight(element, data.names.length);
    const limit = data.utilization_limit;
    const colour = (base) => (value) => ({
      value: value, itemStyle: { color: value !== null && value > limit ? c.bad : base },
    });
    return {
      grid: { left: 8, right: 48, top: 28, bottom: 24, containLabel: true },
      legend: { top: 0, data: [data.labels.cpu, data.labels.memory] },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: axisTooltip((index) => data.names[index], "%", 1),
      },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" },
               splitLine: { lineStyle: { color: c.line } } },
      yAxis: { type: "category", inverse: true, data: data.names,
               axisLabel: { width: 180, overflow: "truncate" } },
      series: [
        { name: data.labels.cpu, type: "bar", barWidth: 9, itemStyle: { color: c.brand },
          data: data.cpu.map(colour(c.brand)),
          markLine: targetLine(limit, data.labels.limit, c.warn) },
        { name: data.labels.memory, type: "bar", barWidth: 9, itemStyle: { color: c.muted },
          data: data.memory.map(colour(c.muted)) },
      ],
    };
  }

  const SERIES = {
    cpu: { unit: "%", digits: 1, max: 100,
           lines: [["cpu_mean", "mean"], ["cpu_p95", "p95"], ["cpu_max", "max"]] },
    memory: { unit: "%", digits: 1, max: 100,
              lines: [["memory_mean", "mean"], ["memory_p95", "p95"], ["memory_max", "max"]] },
    availability: { unit: "%", digits: 3, max: 100, lines: [["availability", "availability"]] },
    disk: { unit: " GB", digits: 2, max: null, lines: [["disk_used_gb", "disk"]] },
  };

  function series(element, data, c) {
    const kind = SERIES[element.dataset.series];
    const palette = [c.brand, c.warn, c.bad];
    const names = data.labels || {};
    return {
      grid: { left: 8, right: 32, top: 28, bottom: 24, containLabel: true },
      legend: kind.lines.length > 1 ? { top: 0 } : undefined,
      tooltip: {
        trigger: "axis",
        formatter: axisTooltip((index) => data.times[index], kind.unit, kind.digits),
      },
      xAxis: { type: "category", data: data.times, boundaryGap: false },
      yAxis: { type: "value", max: kind.max, scale: element.dataset.series === "availability",
               axisLabel: { formatter: `{value}${kind.unit.trim()}` },
               splitLine: { lineStyle: { color: c.line } } },
      series: kind.lines.map(([key, label], index) => ({
        name: names[label] || label, type: "line", showSymbol: false, connectNulls: false,
        lineStyle: { width: index === 0 ? 2 : 1 }, itemStyle: { color: palette[index] },
        data: data[key],
      })),
    };
  }

  const KINDS = {
    "system-availability": systemAvailability,
    "system-utilization": systemUtilization,
    series: series,
  };

  function draw() {
    if (typeof echarts === "undefined") {
      return;
    }
    const c = colours();
    const charts = [];
    for (const element of document.querySelectorAll("[data-chart]")) {
      const source = document.getElementById(element.dataset.source);
      const build = KINDS[element.dataset.chart];
      if (!source || !build) {
        continue;
      }
      const data = JSON.parse(source.textContent);
      const option = build(element, data, c);
      const chart = echarts.init(element, null, { renderer: "canvas" });
      chart.setOption({ animation: false, ...option });
      charts.push(chart);
    }
    window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
