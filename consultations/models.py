"""Models of consultations: filled by later issues (see DESIGN.md)."""
