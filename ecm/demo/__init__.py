"""Demo seeding for the whole service (``manage.py seed_demo``).

Its own app at the bottom of the layers (docs/architecture.md): it is the one place allowed to
import every other app's ``demo`` module, and nothing imports it.
"""
