"""Running the construction: the works schedule, its sequencing rules, daily progress and the issue log.

The district steers its sites by "一图一表": one chart (the work-face handover timing
chart, 交叉施工作业面移交时序图) and one table (the daily progress table, 工程日进度一栏表),
by the principles 先地下后地上 and 专项改造在前、硬件提升在后, and by 每日调度、次日报告、当日解决.

- :mod:`geo.schedule.model`: the vocabularies (sequencing classes, issue categories) and
  the fields of the three layers this package adds (``handovers``, ``daily_progress``,
  ``issue_log``) and of the works' new columns;
- :mod:`geo.schedule.rules`: the rules R1-R4 as data, checked on planned dates (planning
  warnings) and on actual dates (violations), derived for an as-of date, never stored;
- :mod:`geo.schedule.daily`: the daily progress table of a day (planned %, reported %,
  yesterday's %, change, lag) and the reports an edited table or a contractor's sheet makes;
- :mod:`geo.schedule.sheet`: the contractors' Excel template, its import and validation report;
- :mod:`geo.schedule.issues`: the issue log's figures (open, raised, same-day resolution);
- :mod:`geo.schedule.chart`: the handover timing chart as data (Vega-Lite specifications);
- :mod:`geo.schedule.metrics`: the figures ``geo.metrics.stats`` reports for them.

Pure: no Streamlit, no file or store access (the store reads and writes the layers).
"""
