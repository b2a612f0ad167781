"""Pages of the CAF. Thin: access, one service, render."""
