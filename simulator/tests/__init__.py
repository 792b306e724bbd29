"""The Saturn Cloud API simulator's own tests (a package, so their module names never clash
with the panel's ``tests/`` when one pytest run collects both)."""
