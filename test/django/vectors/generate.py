#!/usr/bin/env python3
"""Writes known-answer vectors from the real Django (Debian's python3-django) to vectors.json.

Run from the repository root:  /usr/bin/python3 test/django/vectors/generate.py
The output is checked in; test/django/vectors.test.ts checks Latchkey against it.
"""
import json
import os
import pickle
import sys
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "project"))
os.environ["SECRET_KEY"] = "django-insecure-vectors-0123456789-abcdefghijklmnopqrstuvwxyz"
os.environ["DATABASE_URL"] = "sqlite::memory:"
os.environ["DJANGO_SETTINGS_MODULE"] = "testproject.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.messages.storage.base import Message  # noqa: E402
from django.contrib.messages.storage.cookie import CookieStorage  # noqa: E402
from django.contrib.messages.storage.session import SessionStorage  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.contrib.sessions.serializers import PickleSerializer  # noqa: E402
from django.core import signing  # noqa: E402
from django.middleware import csrf  # noqa: E402
from django.test import override_settings  # noqa: E402

NOW = 1780000000  # 2026-05-28T20:26:40Z
OLD_KEY = "an-old-secret-key-still-listed-in-SECRET_KEY_FALLBACKS-0123456789"

SESSIONS = [
    {},
    {"cart": ["apple", "pear"]},
    {
        "_auth_user_id": "1",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": "5f0c7b1e2d",
    },
    {"note": "caf\u00e9 \u2603 \U0001F600", "n": 3, "f": 1.5, "ok": True, "none": None},
    {"big": ["item %d of a long list that compresses well" % i for i in range(60)]},
]

with mock.patch("time.time", return_value=NOW):
    store = SessionStore()
    sessions = [
        {"data": data, "encoded": store.encode(data), "legacy": store._legacy_encode(data)} for data in SESSIONS
    ]
    signed_cookies = [
        {
            "data": data,
            "cookie": signing.dumps(
                data, compress=True, salt="django.contrib.sessions.backends.signed_cookies"
            ),
        }
        for data in SESSIONS
    ]
    with override_settings(SECRET_KEY=OLD_KEY):
        old_key_session = {"data": SESSIONS[2], "encoded": SessionStore().encode(SESSIONS[2])}
    pickled = signing.dumps(
        {"x": 1}, salt="django.contrib.sessions.SessionStore", serializer=PickleSerializer, compress=True
    )

with mock.patch("time.time", return_value=NOW):
    MESSAGE_SETS = [
        [[25, "You have been logged out.", ""]],
        [[20, "Hello", ""], [40, "Broken <b>", "urgent"]],
        [[25, "Caf\u00e9 \u2603", ""]] * 12,
    ]
    cookie_storage = CookieStorage(request=None)
    session_storage = SessionStorage.__new__(SessionStorage)
    messages = []
    for entries in MESSAGE_SETS:
        objects = [Message(level, text, extra_tags=extra or None) for level, text, extra in entries]
        messages.append(
            {
                "messages": entries,
                "cookie": cookie_storage._encode(objects),
                "session": session_storage.serialize_messages(objects),
            }
        )


auth_hashes = []
for encoded in [
    "pbkdf2_sha256$1000$bWDLvlkFIX6f36kfv539Os$8IMoo2UDM0+VWKe0RqMX0qFisKIpqx/bu2jYc5VXCN8=",
    "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$abc",
    "!unusable",
]:
    user = User(username="alice", password=encoded)
    auth_hashes.append({"password": encoded, "hash": user.get_session_auth_hash()})

csrf_pairs = []
for _ in range(5):
    secret = csrf._get_new_csrf_string()
    csrf_pairs.append({"secret": secret, "token": csrf._mask_cipher_secret(secret)})

vectors = {
    "django": django.get_version(),
    "secretKey": settings.SECRET_KEY,
    "oldKey": OLD_KEY,
    "now": NOW,
    "sessions": sessions,
    "oldKeySession": old_key_session,
    "signedCookies": signed_cookies,
    "pickled": pickled,
    "authHashes": auth_hashes,
    "csrf": csrf_pairs,
    "messages": messages,
}
with open(os.path.join(HERE, "vectors.json"), "w") as out:
    json.dump(vectors, out, indent=1, ensure_ascii=False)
    out.write("\n")
print("wrote", os.path.join(HERE, "vectors.json"))
