"""The blueprints of the pages app, one module per kind of page."""
