# Test mode is set by caseway/tests/pytest_plugin.py, loaded with -p before Django starts.
