"""Pages of the sharing app: the guided decision (``flow``), records, queues, the log, advisers (``pages``)."""
