"""Persistence: tables, engine and the query functions."""
