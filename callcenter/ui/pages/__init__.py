"""One module per route; `register_pages` adds them all to the app inside the layout."""
