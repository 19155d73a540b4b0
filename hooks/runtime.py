"""MkDocs hook: ship the calculators archive and the Pyodide runtime into site/ (placeholder)."""
