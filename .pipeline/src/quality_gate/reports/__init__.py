"""Findings from every tool turned into what people and GitLab read."""
