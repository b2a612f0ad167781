"""Notifications have no choice fields yet; kept for the common app file set."""
