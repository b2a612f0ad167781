"""Notifications have no forms: marking read is a plain POST."""
