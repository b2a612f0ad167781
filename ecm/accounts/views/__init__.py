"""Accounts views, one module per journey: sign-in, enrolment, own account, administration."""
