"""Authorization header parsing (§1.2) and the simulated credential check."""

import base64
import binascii
from dataclasses import dataclass
from typing import Optional

from . import des
from . import errors

DES_KEY = bytes([64, 182, 122, 48, 86, 115, 253, 68])


@dataclass
class Credentials:
    user: str = ""
    password: str = ""
    bearer: Optional[str] = None


class AuthError(Exception):
    """Header-level failure: answered with HTTP 401 and an adapter code."""

    def __init__(self, code: int):
        super().__init__(errors.MESSAGES[code])
        self.code = code


def decode_basic(b64: str):
    raw = base64.b64decode(b64, validate=True).decode("utf-8", "surrogateescape")
    user, sep, password = raw.partition(":")
    if not sep:
        raise ValueError("no colon")
    return user, password


def encode_taosd_token(user: str, password: str) -> str:
    size = 48 if len(password.encode()) <= 24 else (24 + len(password.encode()) + 7) // 8 * 8
    buf = bytearray(size)
    ub, pb = user.encode(), password.encode()
    buf[:len(ub)] = ub
    buf[24:24 + len(pb)] = pb
    return base64.b64encode(des.encrypt_ecb(DES_KEY, bytes(buf))).decode()


def decode_taosd_token(token: str):
    data = base64.b64decode(token, validate=True)
    if len(data) < 48 or len(data) % 8:
        raise ValueError("wrong des length")
    plain = des.decrypt_ecb(DES_KEY, data)
    user = plain[:24].split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
    password = plain[24:].split(b"\0", 1)[0].decode("utf-8", "surrogateescape")
    return user, password


def parse_authorization(header: Optional[str], token_param: bool = False) -> Credentials:
    """CheckAuth: prefix match after trimming; raises AuthError(0x1105/0x1122/0x1124/0x1125)."""
    if not header:
        raise AuthError(errors.HTTP_NO_AUTH_INFO)
    auth = header.strip()
    if auth.startswith("Basic") and len(auth) > 6:
        try:
            user, password = decode_basic(auth[6:])
        except (ValueError, binascii.Error):
            raise AuthError(errors.HTTP_INVALID_BASIC_AUTH) from None
        if not user or not password:
            raise AuthError(errors.HTTP_INVALID_BASIC_AUTH)
        return Credentials(user, password)
    if auth.startswith("Taosd") and len(auth) > 6:
        try:
            user, password = decode_taosd_token(auth[6:])
        except (ValueError, binascii.Error):
            raise AuthError(errors.HTTP_INVALID_TAOSD_AUTH) from None
        if not user or not password:
            raise AuthError(errors.HTTP_INVALID_TAOSD_AUTH)
        return Credentials(user, password)
    if auth.startswith("Bearer") and len(auth) > 7 and not token_param:
        return Credentials(bearer=auth[7:].strip())
    raise AuthError(errors.HTTP_INVALID_AUTH_TYPE)


@dataclass
class Accounts:
    """The one account (and optional bearer token) the simulated server knows."""
    user: str = "root"
    password: str = "taosdata"
    bearer_token: Optional[str] = None

    def connect(self, cred: Credentials) -> None:
        """What taos_connect would say; raises TaosError 0x0357 on bad credentials."""
        if cred.bearer is not None:
            if self.bearer_token is None or cred.bearer != self.bearer_token:
                raise errors.TaosError(errors.MND_AUTH_FAILURE)
            return
        if cred.user != self.user or cred.password != self.password:
            raise errors.TaosError(errors.MND_AUTH_FAILURE)
