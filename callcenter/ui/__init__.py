"""The Reflex dashboard: layout, pages, components and their states."""
