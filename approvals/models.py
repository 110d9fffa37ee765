"""Models of approvals: filled by later issues (see DESIGN.md)."""
