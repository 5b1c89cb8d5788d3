from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with a small memory cost, for the test suite only (settings.TEST_MODE)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
