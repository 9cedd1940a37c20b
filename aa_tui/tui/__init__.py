"""The Textual app: screens and widgets only; the engine does the work."""
