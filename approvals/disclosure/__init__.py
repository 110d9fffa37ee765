"""Public disclosure of licensing decisions (审批信息集中公开): records, publication, its clock, the public page."""
