"""Languages, content catalogs and rendering of content keys."""
