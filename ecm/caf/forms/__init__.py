"""Forms of the CAF pages (crispy-forms-gds; errors in the GOV.UK error summary)."""
