import os

# Test mode: throwaway keys, immediate tasks, cheap Argon2. Set before Django reads settings.
os.environ["CASEWAY_MODE"] = "test"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
