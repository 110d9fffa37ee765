"""Models of licenses: filled by later issues (see DESIGN.md)."""
