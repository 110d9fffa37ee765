"""Electronic supervision (电子监察): every registered clock per department, drill-down, the daily digest,
exports and the monthly performance report of a department.

- ``selectors``: the dashboard's tables and a cell's cases;
- ``digest``: the supervisors' daily digest, and ``tasks`` its beat task;
- ``exports``: any table as CSV or Excel; ``report``: the monthly report as a PDF;
- ``views``, ``forms``, ``urls``: the staff pages under the admin's prefix; ``queues``: the link on the admin home.
"""
