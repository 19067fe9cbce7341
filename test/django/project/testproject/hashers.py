"""Django's PBKDF2 hasher with few iterations: the same format, fast enough for tests."""
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
