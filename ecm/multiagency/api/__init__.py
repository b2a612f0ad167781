"""No API yet: panels, teams and caseloads are used through the web pages only."""
