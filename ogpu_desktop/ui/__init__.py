"""The only package that imports Qt: windows, forms, models and viewers."""
