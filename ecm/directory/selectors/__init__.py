"""Reads of the service directory. Views, forms and the API read only through these."""
