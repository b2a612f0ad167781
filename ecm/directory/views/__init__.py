"""Directory pages: practitioner search, families' easy-read search, provider self-service, team pages."""
