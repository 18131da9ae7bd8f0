"""Leads: capture from tool calls, post-call extraction, deduplication and follow-up."""
