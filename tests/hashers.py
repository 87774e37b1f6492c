from django.contrib.auth.hashers import Argon2PasswordHasher


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Same algorithm and hash format, cheap enough for thousands of test users."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1
