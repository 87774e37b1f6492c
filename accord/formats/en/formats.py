"""English date formats as Accord has always shown them (ISO dates in tables, '2 December 2026' in
prose), instead of Django's American defaults; other languages use Django's own formats for them
(French: 02/12/2026, 2 décembre 2026). Templates name these formats, never a pattern (decision 0034)."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j M"
TIME_FORMAT = "H:i"
