"""The jobs pages have no forms."""
