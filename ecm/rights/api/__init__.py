"""No API yet: subject access and rectification are handled on the data manager's pages."""
