"""Reports made from the data for people to read: the next-morning dispatch report (:mod:`geo.reports.daily`)."""
