"""The PySide6 till UI. The only package that imports Qt."""
