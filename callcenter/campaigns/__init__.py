"""Campaigns: outbound dial lists worked through at a pace, with retries, on several instances."""
