"""The multi-agency pages: panels and their cases, meetings and minutes, teams, and caseloads."""
