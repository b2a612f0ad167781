"""Jobs have no API: the system administrators\x27 page is the only view."""
